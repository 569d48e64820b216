package dev.imgsearch.cli.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures upload→searchable latency: {@link #uploaded} registers an image id at the moment its S3 PUT returned;
 * poller threads ask the query API ({@code GET /v1/images/{id}}) for every pending id until it answers 200, and record
 * the elapsed time. Polling is continuous (a few ms per sweep), so the resolution is the sweep time.
 */
public final class FreshnessTracker implements AutoCloseable {
  private final String api;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, Long> pending = new ConcurrentHashMap<>();
  private final List<Double> latenciesMs = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong seen = new AtomicLong();
  private final List<Thread> pollers = new ArrayList<>();
  private volatile boolean running = true;
  private volatile long lastSeenNanos;

  public FreshnessTracker(String queryApiUrl, int threads) {
    this.api = queryApiUrl;
    for (int i = 0; i < threads; i++) {
      int shard = i;
      Thread t = new Thread(() -> poll(shard, threads), "freshness-poller-" + i);
      t.setDaemon(true);
      t.start();
      pollers.add(t);
    }
  }

  /** The PUT of {@code id} returned at {@code nanoTime}. */
  public void uploaded(String id, long nanoTime) {
    pending.put(id, nanoTime);
  }

  public int pending() {
    return pending.size();
  }

  public long seen() {
    return seen.get();
  }

  public long errors() {
    return errors.get();
  }

  public long lastSeenNanos() {
    return lastSeenNanos;
  }

  /** Latencies recorded so far, then cleared (one phase's sample). */
  public synchronized List<Double> drainLatencies() {
    List<Double> out = new ArrayList<>(latenciesMs);
    latenciesMs.clear();
    return out;
  }

  /** Waits until nothing is pending or {@code timeout} passed; true when nothing is pending. */
  public boolean awaitEmpty(Duration timeout, Runnable progress) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextProgress = System.nanoTime();
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      if (System.nanoTime() >= nextProgress) {
        progress.run();
        nextProgress = System.nanoTime() + 2_000_000_000L;
      }
      Thread.sleep(20);
    }
    return pending.isEmpty();
  }

  private void poll(int shard, int shards) {
    while (running) {
      boolean any = false;
      for (Map.Entry<String, Long> e : pending.entrySet()) {
        if (Math.floorMod(e.getKey().hashCode(), shards) != shard) {
          continue;
        }
        any = true;
        if (searchable(e.getKey())) {
          long now = System.nanoTime();
          if (pending.remove(e.getKey()) != null) {
            synchronized (this) {
              latenciesMs.add((now - e.getValue()) / 1e6);
            }
            seen.incrementAndGet();
            lastSeenNanos = now;
          }
        }
      }
      try {
        Thread.sleep(any ? 2 : 10);
      } catch (InterruptedException ie) {
        return;
      }
    }
  }

  private boolean searchable(String id) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/v1/images/" + id)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding());
      if (r.statusCode() == 200) {
        return true;
      }
      if (r.statusCode() != 404) {
        errors.incrementAndGet();
      }
      return false;
    } catch (Exception e) {
      errors.incrementAndGet();
      return false;
    }
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : pollers) {
      t.interrupt();
    }
  }
}
