package dev.imgsearch.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.query.watch.WatchJson;
import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.schemas.avro.Alert;
import io.javalin.http.sse.SseClient;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@code GET /v1/alerts/stream[?watch=ID]}: server-sent events, one {@code alert} event (id = alert
 * id, data = the alert as JSON) per new alert from the alerts topic, and a comment every {@link
 * #KEEPALIVE_SECONDS} s. Each client holds one request thread and a bounded queue; a client that
 * falls {@link #QUEUE} alerts behind is disconnected (it reconnects and misses what it could not
 * take). At most {@code maxClients} streams at once, beyond that 503.
 */
final class AlertStream {
  static final int QUEUE = 1000;
  static final long KEEPALIVE_SECONDS = 15;

  private final WatchEndpoints endpoints;
  private final ObjectMapper mapper;
  private final Semaphore clients;

  AlertStream(WatchEndpoints endpoints, ObjectMapper mapper, int maxClients) {
    this.endpoints = endpoints;
    this.mapper = mapper;
    this.clients = new Semaphore(maxClients);
  }

  /** Checks the request before the stream starts, so errors are ordinary JSON responses. */
  void check(io.javalin.http.Context ctx) {
    endpoints.watches();
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "the alert stream is server-sent events: send Accept: text/event-stream");
    }
    String watch = ctx.queryParam("watch");
    if (watch != null && watch.isBlank()) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "watch must not be empty");
    }
  }

  void stream(SseClient client) {
    Watches watches = endpoints.watches();
    String watch = client.ctx().queryParam("watch");
    if (!clients.tryAcquire()) {
      client.sendEvent(
          "error", "{\"code\":\"server-busy\",\"message\":\"too many alert streams\"}");
      client.close();
      return;
    }
    BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    AtomicBoolean overflow = new AtomicBoolean();
    Consumer<Alert> subscriber =
        a -> {
          if ((watch == null || watch.equals(a.getWatchId())) && !queue.offer(a)) {
            overflow.set(true);
          }
        };
    watches.alerts().subscribe(subscriber);
    try {
      client.sendComment("connected");
      while (!client.terminated() && !overflow.get()) {
        Alert a = queue.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
        if (a == null) {
          client.sendComment("keepalive");
        } else {
          client.sendEvent("alert", json(a), a.getAlertId());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      watches.alerts().unsubscribe(subscriber);
      clients.release();
      client.close();
    }
  }

  private String json(Alert a) {
    try {
      return mapper.writeValueAsString(WatchJson.of(a));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
