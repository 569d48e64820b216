package dev.imgsearch.cli.bench;

import dev.imgsearch.schemas.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Measures upload→searchable latency with <b>batched</b> checks: {@link #uploaded} registers an
 * image at the moment its S3 PUT returned; one sweeper thread, every {@code interval}, asks a
 * {@link VisibilityCheck} which of <em>all</em> pending images are search-visible — one call per
 * {@value #MAX_BATCH} pending images, the chunks of one sweep in parallel — and records, for each
 * one found, the time from its PUT to the moment the answer that contained it returned. The check's
 * cost is therefore independent of how many images are pending (≈ one search per sweep), unlike one
 * lookup per image.
 *
 * <p>Resolution: an image that becomes visible at time t is confirmed by the first sweep that
 * starts after t, so the measured latency overstates the true one by at most {@code interval} + one
 * sweep's duration ({@link #sweepMillis()}); it never understates it.
 */
public final class FreshnessTracker implements AutoCloseable {
  /**
   * Most images one check asks about (the query API accepts at most 64 {@code source} values per
   * search).
   */
  public static final int MAX_BATCH = 64;

  /**
   * An image waiting to become searchable. {@code token} is what the check filters on (the bench:
   * its source).
   */
  public record Pending(String id, String token, long putNanos) {}

  /** One batched visibility check. */
  @FunctionalInterface
  public interface VisibilityCheck {
    /**
     * The ids among {@code batch} (at most {@value #MAX_BATCH}) that a search sees now.
     *
     * @throws Exception if the check failed (counted as an error; the images stay pending)
     */
    Set<String> visible(List<Pending> batch) throws Exception;
  }

  private final VisibilityCheck check;
  private final Duration interval;
  private final LongSupplier clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final List<Double> latenciesMs = new ArrayList<>();
  private final Map<String, Double> latencyById = new ConcurrentHashMap<>();
  private final List<Double> sweepMs = new ArrayList<>();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong seen = new AtomicLong();
  private final AtomicInteger maxPending = new AtomicInteger();
  private final AtomicLong checks = new AtomicLong();
  private final ExecutorService chunkPool;
  private final Thread sweeper;
  private volatile boolean running = true;
  private volatile long lastSeenNanos;

  /**
   * Starts the sweeper: one sweep, then {@code interval} pause, repeated until {@link #close()}.
   */
  public FreshnessTracker(VisibilityCheck check, Duration interval) {
    this(check, interval, System::nanoTime, true);
  }

  FreshnessTracker(VisibilityCheck check, Duration interval, LongSupplier clock, boolean start) {
    this.check = check;
    this.interval = interval;
    this.clock = clock;
    this.chunkPool = Executors.newFixedThreadPool(4, DaemonThreads.named("freshness-check"));
    this.sweeper = new Thread(this::loop, "freshness-sweeper");
    sweeper.setDaemon(true);
    if (start) {
      sweeper.start();
    }
  }

  /**
   * The PUT of image {@code id} (found by searching for {@code token}) returned at {@code
   * nanoTime}.
   */
  public void uploaded(String id, String token, long nanoTime) {
    pending.put(id, new Pending(id, token, nanoTime));
    maxPending.accumulateAndGet(pending.size(), Math::max);
  }

  /** The image pending longest, if any (progress and diagnostics). */
  public java.util.Optional<Pending> oldestPending() {
    return pending.values().stream().min(java.util.Comparator.comparingLong(Pending::putNanos));
  }

  public int pending() {
    return pending.size();
  }

  /**
   * Largest number of images pending at once since the last {@link #resetMaxPending()} (the
   * backlog, or lag).
   */
  public int maxPending() {
    return maxPending.get();
  }

  public void resetMaxPending() {
    maxPending.set(pending.size());
  }

  public long seen() {
    return seen.get();
  }

  public long errors() {
    return errors.get();
  }

  /** Visibility checks issued so far (one per chunk of {@value #MAX_BATCH} per sweep). */
  public long checks() {
    return checks.get();
  }

  public long lastSeenNanos() {
    return lastSeenNanos;
  }

  public Duration interval() {
    return interval;
  }

  /** Latencies recorded so far, then cleared (one phase's sample). */
  public synchronized List<Double> drainLatencies() {
    List<Double> out = new ArrayList<>(latenciesMs);
    latenciesMs.clear();
    return out;
  }

  /**
   * The latency of every image confirmed so far, by id (not cleared: the camera replay reads the
   * lag of each frame).
   */
  public Map<String, Double> latenciesById() {
    return Map.copyOf(latencyById);
  }

  /** Durations of the sweeps that had something pending, then cleared. */
  public synchronized List<Double> drainSweepMillis() {
    List<Double> out = new ArrayList<>(sweepMs);
    sweepMs.clear();
    return out;
  }

  /** Durations of the sweeps so far (not cleared). */
  public synchronized List<Double> sweepMillis() {
    return new ArrayList<>(sweepMs);
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
      Thread.sleep(10);
    }
    return pending.isEmpty();
  }

  /** {@code items} in consecutive chunks of at most {@code size}. */
  public static <T> List<List<T>> chunks(Collection<T> items, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("chunk size must be ≥ 1");
    }
    List<List<T>> out = new ArrayList<>();
    List<T> current = new ArrayList<>(size);
    for (T item : items) {
      current.add(item);
      if (current.size() == size) {
        out.add(current);
        current = new ArrayList<>(size);
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * One sweep over everything pending now: every chunk checked (in parallel), each image found
   * recorded with the time its chunk's answer returned. Returns how many images were confirmed.
   */
  int sweep() throws InterruptedException {
    List<Pending> snapshot = new ArrayList<>(pending.values());
    if (snapshot.isEmpty()) {
      return 0;
    }
    long start = clock.getAsLong();
    List<Future<Integer>> results = new ArrayList<>();
    for (List<Pending> chunk : chunks(snapshot, MAX_BATCH)) {
      results.add(chunkPool.submit(() -> checkChunk(chunk)));
    }
    int confirmed = 0;
    for (Future<Integer> f : results) {
      try {
        confirmed += f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        errors.incrementAndGet();
      }
    }
    synchronized (this) {
      sweepMs.add((clock.getAsLong() - start) / 1e6);
    }
    return confirmed;
  }

  private int checkChunk(List<Pending> chunk) {
    Set<String> visible;
    checks.incrementAndGet();
    try {
      visible = check.visible(chunk);
    } catch (Exception e) {
      errors.incrementAndGet();
      return 0;
    }
    long now = clock.getAsLong();
    int confirmed = 0;
    for (Pending p : chunk) {
      if (visible.contains(p.id()) && pending.remove(p.id(), p)) {
        synchronized (this) {
          latenciesMs.add((now - p.putNanos()) / 1e6);
        }
        latencyById.put(p.id(), (now - p.putNanos()) / 1e6);
        seen.incrementAndGet();
        lastSeenNanos = Math.max(lastSeenNanos, now);
        confirmed++;
      }
    }
    return confirmed;
  }

  private void loop() {
    while (running) {
      try {
        sweep();
        Thread.sleep(interval.toMillis(), interval.toNanosPart() % 1_000_000);
      } catch (InterruptedException ie) {
        return;
      } catch (RuntimeException e) {
        errors.incrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    running = false;
    sweeper.interrupt();
    chunkPool.shutdownNow();
  }
}
