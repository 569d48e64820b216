package dev.imgsearch.query.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.schemas.DaemonThreads;
import dev.imgsearch.schemas.IdleFetch;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each alert whose watch has a {@code webhook} to it, at least once. A consumer of its own
 * group ({@value #GROUP_ID}) on the alerts topic, so the API replicas share the partitions and each
 * alert is posted by one of them; it starts once the watches view has caught up. The alerts of one
 * poll are posted concurrently ({@value #SENDERS} at a time); the offsets are committed only when
 * each of them is delivered or given up, so a crash re-posts rather than loses. The body is the
 * alert as on the SSE stream; headers {@code Idempotency-Key} (the alert id, the receiver's
 * de-duplication key) and {@value WebhookSignature#HEADER}. Retries follow {@link WebhookRetry}; a
 * failure is counted in {@link WebhookStats} and logged once. Runs on its own threads: neither the
 * SSE stream nor the job waits for a receiver.
 */
public final class WebhookDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

  /** Consumer group of the dispatchers of every replica. */
  public static final String GROUP_ID = "imgsearch-webhooks";

  /** Alerts posted at once. */
  static final int SENDERS = 8;

  /** Alerts taken per poll (bounds the work between two commits). */
  static final int MAX_POLL_RECORDS = 64;

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final WatchView view;
  private final WebhookSettings settings;
  private final WebhookStats stats;
  private final HttpClient http;
  private final ExecutorService senders;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Thread thread;
  private volatile boolean closed;

  public WebhookDispatcher(
      Map<String, Object> clientProperties,
      String topic,
      String groupId,
      WatchView view,
      WebhookSettings settings,
      WebhookStats stats) {
    this.topic = topic;
    this.view = view;
    this.settings = settings;
    this.stats = stats;
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"); // a new group posts new alerts only
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval(settings).toMillis());
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "query-api-webhooks");
    IdleFetch.setDefault(p); // new records answer a waiting fetch at once
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.timeout())
            .followRedirects(HttpClient.Redirect.NEVER) // a redirect could lead off the allow-list
            .build();
    this.senders = Executors.newFixedThreadPool(SENDERS, DaemonThreads.named("webhook-sender"));
    this.thread = new Thread(this::run, "webhooks-" + topic);
    this.thread.setDaemon(true);
  }

  /**
   * Longest time one poll's alerts may take: every sender retrying its share to the last attempt,
   * doubled (so a slow receiver does not get the consumer thrown out of its group).
   */
  static Duration maxPollInterval(WebhookSettings s) {
    Duration perAlert = Duration.ZERO;
    for (int a = 1; a <= s.maxAttempts(); a++) {
      perAlert = perAlert.plus(s.timeout().multipliedBy(2)); // connect + response
      if (a < s.maxAttempts()) {
        perAlert = perAlert.plus(WebhookRetry.backoff(a));
      }
    }
    Duration batch = perAlert.multipliedBy(2L * MAX_POLL_RECORDS / SENDERS);
    Duration floor = Duration.ofMinutes(5);
    return batch.compareTo(floor) < 0 ? floor : batch;
  }

  public WebhookDispatcher start() {
    thread.start();
    return this;
  }

  private void run() {
    try {
      while (!closed && !view.ready()) {
        Thread.sleep(200);
      }
      consumer.subscribe(List.of(topic));
      long pause = 500;
      while (!closed) {
        try {
          ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
          if (!records.isEmpty() && deliverAll(records) && !closed) {
            consumer.commitSync();
          }
          pause = 500;
        } catch (CommitFailedException e) {
          LOG.warn(
              "webhook offsets not committed (partitions moved); alerts may be re-posted: {}",
              e.toString());
        } catch (WakeupException e) {
          break;
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          LOG.warn(
              "webhook consumer of {} failed, retrying in {} ms: {}", topic, pause, e.toString());
          Thread.sleep(pause);
          pause = Math.min(pause * 2, 30_000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /** Posts the alerts of one poll; false if interrupted (closing: nothing is committed). */
  private boolean deliverAll(ConsumerRecords<String, byte[]> records) throws InterruptedException {
    List<Future<?>> pending = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      Alert alert = decode(r);
      if (alert == null) {
        continue;
      }
      Watch watch = view.get(alert.getWatchId()).orElse(null);
      if (watch == null || watch.getWebhook() == null) {
        continue;
      }
      String url = watch.getWebhook();
      pending.add(senders.submit(() -> deliver(url, alert)));
    }
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        LOG.warn("webhook delivery failed unexpectedly", e.getCause());
      }
    }
    return !closed;
  }

  /**
   * The alert in a record; null for a tombstone or an undecodable value (the tail counts those).
   */
  private static Alert decode(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return null;
    }
    try {
      return Topics.ALERTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Posts one alert until delivered, refused or out of attempts; counts and logs the result. */
  void deliver(String url, Alert alert) {
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(WatchJson.of(alert));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String signature = WebhookSignature.sign(settings.secret(), body);
    String host = host(url);
    WebhookRetry.Outcome outcome;
    String detail;
    for (int attempt = 1; ; attempt++) {
      try {
        settings.check(url); // the allow-list may have shrunk since the watch was written
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(url))
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "imgsearch-webhooks")
                .header("Idempotency-Key", alert.getAlertId())
                .header(WebhookSignature.HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        outcome = WebhookRetry.ofStatus(status);
        detail = "HTTP " + status;
      } catch (HttpTimeoutException e) {
        outcome = WebhookRetry.Outcome.TIMEOUT;
        detail = e.toString();
      } catch (IOException e) {
        outcome = WebhookRetry.Outcome.CONNECTION;
        detail = e.toString();
      } catch (IllegalArgumentException e) { // InvalidWatchException: off the allow-list
        outcome = WebhookRetry.Outcome.REJECTED;
        detail = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // closing: the offsets stay uncommitted, the alert is posted again later
      }
      if (outcome == WebhookRetry.Outcome.DELIVERED) {
        stats.countDelivered(attempt);
        return;
      }
      if (!WebhookRetry.retries(outcome, attempt, settings.maxAttempts())) {
        stats.countFailed(outcome);
        LOG.warn(
            "webhook of watch '{}' to host {} gave up on alert {} after {} attempt(s): {} ({})",
            alert.getWatchId(),
            host,
            alert.getAlertId(),
            attempt,
            outcome.tag(),
            KafkaWatches.bounded(detail));
        return;
      }
      LOG.debug("webhook to {} attempt {} failed ({}), retrying", host, attempt, detail);
      try {
        Thread.sleep(WebhookRetry.backoff(attempt).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The host of a URL for the log (the path and query may hold tokens). */
  private static String host(String url) {
    try {
      return URI.create(url).getHost();
    } catch (IllegalArgumentException e) {
      return "(invalid URL)";
    }
  }

  @Override
  public void close() {
    boolean started = thread.getState() != Thread.State.NEW;
    closed = true;
    senders.shutdownNow();
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!started) {
      consumer.close(Duration.ZERO);
    }
  }
}
