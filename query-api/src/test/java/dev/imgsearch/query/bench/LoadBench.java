package dev.imgsearch.query.bench;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.query.QueryApi;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.query.SearchParams;
import dev.imgsearch.schemas.ImageIds;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load test of {@code POST /v1/search/vector} from a second process on loopback, bounded in
 * clients, time and requests. Run by {@code query-api/bench/load-test.sh}.
 *
 * <pre>
 * LoadBench server [--rows 20000] [--dir DIR]       fills an embedded store with random unit vectors, measures the
 *                                                  store's own search latency, serves the API on 127.0.0.1:0, prints
 *                                                  "PORT n", stops when stdin closes
 * LoadBench client --port N [--clients 200] [--seconds 60] [--warmup 5] [--k 10]
 *                                                  closed-loop clients; prints p50/p90/p99, QPS and status counts
 * </pre>
 */
public final class LoadBench {

  static final int DIMENSION = 576;
  static final int MAX_REQUESTS_PER_CLIENT = 2_000_000;

  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: LoadBench server|client [--name value ...]");
    }
    Map<String, String> options = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "server" -> server(options);
      case "client" -> client(options);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  // ---- server ----

  static void server(Map<String, String> options) throws Exception {
    int rows = Integer.parseInt(options.getOrDefault("rows", "20000"));
    Path dir =
        Path.of(options.getOrDefault("dir", Files.createTempDirectory("load-bench").toString()));
    Random random = new Random(1);
    try (VectorStore store =
        VectorStores.open(StoreSettings.embedded(dir.toString(), "bench", DIMENSION))) {
      store.ensureCollection();
      long t0 = System.nanoTime();
      List<VectorRecord> batch = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        batch.add(
            new VectorRecord(
                ImageIds.of("bench", "img-" + i + ".jpg"),
                unit(random),
                "bench",
                "img-" + i + ".jpg",
                "cam-" + (i % 10),
                1_700_000_000_000L + i * 1000L,
                List.of(i % 2 == 0 ? "day" : "night"),
                "bench@1"));
        if (batch.size() == 1000) {
          store.upsert(batch);
          batch.clear();
        }
      }
      store.upsert(batch);
      store.flush();
      System.out.printf(
          Locale.ROOT,
          "INDEXED %d rows in %.1f s%n",
          store.count(),
          (System.nanoTime() - t0) / 1e9);

      // the store's own latency, single caller, same query shape as the HTTP load (k = 10, no
      // filter)
      int k = Integer.parseInt(options.getOrDefault("k", "10"));
      for (int i = 0; i < 2000; i++) {
        store.search(unit(random), k, SearchFilter.NONE);
      }
      long[] storeNanos = new long[5000];
      for (int i = 0; i < storeNanos.length; i++) {
        float[] q = unit(random);
        long s = System.nanoTime();
        store.search(q, k, SearchFilter.NONE);
        storeNanos[i] = System.nanoTime() - s;
      }
      System.out.println("STORE " + summary(storeNanos, storeNanos.length));

      try (QueryService service = QueryService.builder(new VectorOnlyEmbedder(), store).build()) {
        long[] serviceNanos = new long[5000];
        for (int i = 0; i < serviceNanos.length; i++) {
          float[] q = unit(random);
          long s = System.nanoTime();
          service.searchByVector(q, new SearchParams(k, SearchFilter.NONE, null));
          serviceNanos[i] = System.nanoTime() - s;
        }
        System.out.println("SERVICE " + summary(serviceNanos, serviceNanos.length));

        QueryApi api =
            new QueryApi(
                    service,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    QueryApiOptions.defaults().withAnonymousAccess())
                .start("127.0.0.1", 0);
        System.out.println("PORT " + api.port());
        System.out.flush();
        // serve until the parent closes our stdin
        try (BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
          while (in.readLine() != null) {
            // ignore
          }
        }
        api.stop();
      }
    }
  }

  // ---- client ----

  static void client(Map<String, String> options) throws Exception {
    int port = Integer.parseInt(required(options, "port"));
    int clients = Integer.parseInt(options.getOrDefault("clients", "200"));
    Duration duration = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "60")));
    Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "5")));
    int k = Integer.parseInt(options.getOrDefault("k", "10"));
    if (clients < 1 || clients > 1000 || duration.toSeconds() < 1 || duration.toSeconds() > 600) {
      throw new IllegalArgumentException("clients must be 1..1000 and seconds 1..600");
    }
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/search/vector");
    Random random = new Random(2);
    List<byte[]> bodies = new ArrayList<>();
    for (int i = 0; i < 512; i++) {
      bodies.add(
          ("{\"k\":" + k + ",\"vector\":" + Arrays.toString(unit(random)) + "}")
              .getBytes(StandardCharsets.UTF_8));
    }
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(4))
            .build();

    System.out.printf(Locale.ROOT, "warm-up: %d clients for %d s%n", clients, warmup.toSeconds());
    run(http, uri, bodies, clients, warmup);
    System.out.printf(
        Locale.ROOT,
        "measuring: %d clients for %d s against %s%n",
        clients,
        duration.toSeconds(),
        uri);
    Result result = run(http, uri, bodies, clients, duration);
    System.out.println("HTTP " + result);
    if (result.serverErrors > 0 || result.failures > 0) {
      System.exit(1);
    }
    System.exit(0);
  }

  record Result(
      long ok,
      long clientErrors,
      long serverErrors,
      long failures,
      double seconds,
      String latency) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "requests=%d 2xx=%d 4xx=%d 5xx=%d failures=%d qps=%.0f %s",
          ok + clientErrors + serverErrors + failures,
          ok,
          clientErrors,
          serverErrors,
          failures,
          (ok + clientErrors + serverErrors) / seconds,
          latency);
    }
  }

  static Result run(HttpClient http, URI uri, List<byte[]> bodies, int clients, Duration duration)
      throws Exception {
    LongAdder ok = new LongAdder();
    LongAdder clientErrors = new LongAdder();
    LongAdder serverErrors = new LongAdder();
    LongAdder failures = new LongAdder();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int seed = c;
      futures.add(
          pool.submit(
              () -> {
                long[] latencies = new long[1024];
                int n = 0;
                int i = seed;
                while (System.nanoTime() < deadline && n < MAX_REQUESTS_PER_CLIENT) {
                  HttpRequest request =
                      HttpRequest.newBuilder(uri)
                          .timeout(Duration.ofSeconds(10))
                          .header("Content-Type", "application/json")
                          .POST(
                              HttpRequest.BodyPublishers.ofByteArray(
                                  bodies.get(i++ % bodies.size())))
                          .build();
                  long s = System.nanoTime();
                  try {
                    HttpResponse<Void> r =
                        http.send(request, HttpResponse.BodyHandlers.discarding());
                    long took = System.nanoTime() - s;
                    if (n == latencies.length) {
                      latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = took;
                    if (r.statusCode() >= 500) {
                      serverErrors.increment();
                    } else if (r.statusCode() >= 400) {
                      clientErrors.increment();
                    } else {
                      ok.increment();
                    }
                  } catch (java.io.IOException e) {
                    failures.increment();
                  }
                }
                return Arrays.copyOf(latencies, n);
              }));
    }
    List<long[]> all = new ArrayList<>();
    for (Future<long[]> f : futures) {
      all.add(f.get(duration.toSeconds() + 30, TimeUnit.SECONDS));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdownNow();
    long[] merged = all.stream().flatMapToLong(Arrays::stream).toArray();
    return new Result(
        ok.sum(),
        clientErrors.sum(),
        serverErrors.sum(),
        failures.sum(),
        seconds,
        summary(merged, merged.length));
  }

  // ---- helpers ----

  static String summary(long[] nanos, int n) {
    if (n == 0) {
      return "no samples";
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms n=%d",
        percentile(sorted, 0.50) / 1e6,
        percentile(sorted, 0.90) / 1e6,
        percentile(sorted, 0.99) / 1e6,
        sorted[n - 1] / 1e6,
        n);
  }

  static long percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static float[] unit(Random random) {
    float[] v = new float[DIMENSION];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < v.length; i++) {
      v[i] *= scale;
    }
    return v;
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected --name value pairs, got " + Arrays.toString(args));
      }
      out.put(args[i].substring(2), args[i + 1]);
    }
    return out;
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  /**
   * The bench searches by vector only; the service still needs an embedder of the right dimension.
   */
  static final class VectorOnlyEmbedder implements ImageEmbedder {
    @Override
    public String modelId() {
      return "bench@1";
    }

    @Override
    public int dimension() {
      return DIMENSION;
    }

    @Override
    public float[] embed(byte[] encodedImage) {
      throw new UnsupportedOperationException("the load bench searches by vector only");
    }

    @Override
    public List<float[]> embedAll(List<byte[]> encodedImages) {
      throw new UnsupportedOperationException("the load bench searches by vector only");
    }

    @Override
    public void close() {}
  }
}
