package dev.imgsearch.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.cli.SseEvents;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Standing queries during a bench run ({@code --watches N}): arms N watches through the API before
 * the warm-up — N−1 frame watches of random vectors (threshold 0.99: they match nothing, but each
 * is compared with every image) and one near-duplicate watch of pHash 0 at distance 64 without
 * cooldown, which matches every image — waits until the job holds all N, then follows the matching
 * watch's alerts on the SSE stream ({@code GET /v1/alerts/stream?watch=ID}). Upload→alert latency
 * runs from the same instant as upload→searchable: the PUT's return.
 */
public final class WatchAlerts implements AutoCloseable {
  /** Id of the watch that matches every image. */
  public static final String EVERY_IMAGE = "bench-every-image";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ACTIVE = Pattern.compile("watchesActive\\{[^}]*} ([0-9.]+)");
  private static final int POSTERS = 4;

  /**
   * @param watches active watches (one matches every image)
   * @param images images uploaded while measuring
   * @param missing of those, images without an alert on the stream in time
   * @param copies alerts that repeated an image's alert
   * @param latency upload→alert on the SSE stream, ms
   */
  public record Result(int watches, int images, int missing, long copies, Percentiles latency) {
    public boolean ok() {
      return missing == 0;
    }
  }

  private final int watches;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Long> uploadedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> alertedAt = new ConcurrentHashMap<>();
  private final Set<String> measured = ConcurrentHashMap.newKeySet();
  private final AtomicLong copies = new AtomicLong();
  private volatile boolean measuring;
  private volatile InputStream stream;
  private volatile Exception streamError;

  private WatchAlerts(int watches) {
    this.watches = watches;
  }

  /**
   * Arms {@code watches} watches of {@code dimension}-d vectors through the API at {@code api},
   * waits (2 min at most) until the job's metrics at {@code flinkMetricsUrl} show them all active
   * and opens the alert stream.
   */
  public static WatchAlerts arm(String api, String flinkMetricsUrl, int watches, int dimension)
      throws Exception {
    WatchAlerts w = new WatchAlerts(watches);
    long start = System.nanoTime();
    w.post(api, everyImage());
    Random random = new Random(42);
    List<ObjectNode> others = new ArrayList<>();
    for (int i = 1; i < watches; i++) {
      others.add(randomFrames(i, dimension, random));
    }
    ExecutorService posters = Executors.newFixedThreadPool(POSTERS);
    try {
      List<Future<?>> posts = new ArrayList<>();
      for (ObjectNode body : others) {
        posts.add(posters.submit(() -> w.post(api, body)));
      }
      for (Future<?> f : posts) {
        f.get();
      }
    } finally {
      posters.shutdown();
    }
    System.out.printf(
        "  %d watches created in %.1f s; waiting for the job to hold them ...%n",
        watches, (System.nanoTime() - start) / 1e9);
    w.awaitActive(flinkMetricsUrl, Duration.ofMinutes(2));
    System.out.printf("  all %d active after %.1f s%n", watches, (System.nanoTime() - start) / 1e9);
    w.open(api);
    return w;
  }

  /** Without watches or a stream: for the tests of the bookkeeping. */
  static WatchAlerts forTest(int watches) {
    return new WatchAlerts(watches);
  }

  /** Registers the upload of {@code imageId}, whose PUT returned at {@code nanoTime}. */
  public void uploaded(String imageId, long nanoTime) {
    uploadedAt.put(imageId, nanoTime);
    if (measuring) {
      measured.add(imageId);
    }
  }

  /** From now on, uploads count for {@link #result}. */
  public void startMeasuring() {
    measured.clear();
    copies.set(0);
    measuring = true;
  }

  /**
   * Stops counting uploads, waits up to {@code timeout} for the alerts of the measured ones, and
   * returns their latencies.
   */
  public Result result(Duration timeout) throws InterruptedException {
    measuring = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    while (missing() > 0 && System.nanoTime() < deadline && streamError == null) {
      Thread.sleep(50);
    }
    List<Double> ms = new ArrayList<>();
    for (String id : measured) {
      Long alerted = alertedAt.get(id);
      if (alerted != null) {
        ms.add((alerted - uploadedAt.get(id)) / 1e6);
      }
    }
    if (streamError != null) {
      System.out.println("  the alert stream failed: " + streamError);
    }
    return new Result(watches, measured.size(), missing(), copies.get(), Percentiles.of(ms));
  }

  private int missing() {
    return (int) measured.stream().filter(id -> !alertedAt.containsKey(id)).count();
  }

  /** One alert event's data (the alert as JSON), arrived at {@code nanoTime}. */
  void alert(String data, long nanoTime) throws Exception {
    String imageId = JSON.readTree(data).path("imageId").asText();
    if (alertedAt.putIfAbsent(imageId, nanoTime) != null && measured.contains(imageId)) {
      copies.incrementAndGet();
    }
  }

  private void open(String api) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/v1/alerts/stream?watch=" + EVERY_IMAGE))
                .header("Accept", "text/event-stream")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /v1/alerts/stream answered " + r.statusCode());
    }
    stream = r.body();
    Thread reader = new Thread(this::read, "bench-alert-stream");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    SseEvents events = new SseEvents();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      for (String alert; (alert = events.next(lines, "alert")) != null; ) {
        alert(alert, System.nanoTime());
      }
    } catch (Exception e) {
      if (stream != null) {
        streamError = e;
      }
    }
  }

  private void awaitActive(String metricsUrl, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int active = -1;
    while (System.nanoTime() < deadline) {
      active = active(get(metricsUrl));
      if (active == watches) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "the job holds " + active + " active watches, not " + watches + ", after " + timeout);
  }

  /** The fewest active watches any matching subtask reports in a Prometheus scrape; -1: none. */
  static int active(String scrape) {
    Matcher m = ACTIVE.matcher(scrape);
    int min = -1;
    while (m.find()) {
      int n = (int) Double.parseDouble(m.group(1));
      min = min < 0 ? n : Math.min(min, n);
    }
    return min;
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private Void post(String api, ObjectNode body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/v1/watches"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException(
          "POST /v1/watches answered " + r.statusCode() + ": " + r.body());
    }
    return null;
  }

  static ObjectNode everyImage() {
    return JSON.createObjectNode()
        .put("id", EVERY_IMAGE)
        .put("name", "every image")
        .put("target", "NEAR_DUPLICATES")
        .put("phash", "0000000000000000")
        .put("threshold", 64)
        .put("cooldown", "PT0S");
  }

  /** A frame watch of a random unit vector (Gaussian: far from any image's vector). */
  static ObjectNode randomFrames(int n, int dimension, Random random) {
    String id = String.format(Locale.ROOT, "bench-random-%05d", n);
    ObjectNode w =
        JSON.createObjectNode()
            .put("id", id)
            .put("name", id)
            .put("target", "FRAMES")
            .put("threshold", 0.99)
            .put("cooldown", "PT0S");
    ArrayNode v = w.putArray("vector");
    double[] x = new double[dimension];
    double norm = 0;
    for (int i = 0; i < dimension; i++) {
      x[i] = random.nextGaussian();
      norm += x[i] * x[i];
    }
    for (int i = 0; i < dimension; i++) {
      v.add((float) (x[i] / Math.sqrt(norm)));
    }
    return w;
  }

  @Override
  public void close() throws Exception {
    InputStream s = stream;
    stream = null;
    if (s != null) {
      s.close();
    }
  }
}
