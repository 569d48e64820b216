package dev.imgsearch.query.it;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import dev.imgsearch.query.QueryApi;
import dev.imgsearch.query.QueryApiOptions;
import dev.imgsearch.query.QueryService;
import dev.imgsearch.query.TestApis;
import dev.imgsearch.schemas.ImageIds;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The query API under abuse, on a real server (ephemeral port) with the real model and the embedded
 * store and the default abuse limits: hundreds of uploads trickling in a byte a second must not
 * starve the probes or a normal search, and concurrent decompression bombs must not take the heap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowClientsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DRIPPERS = 300;
  private static final int STALLED = 150;
  private static final Duration PROBE_LIMIT = Duration.ofSeconds(1);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Path dir;
  private OnnxImageEmbedder embedder;
  private VectorStore store;
  private QueryService service;
  private QueryApi api;
  private int port;
  private byte[] query;
  private String queryId;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("slow-clients-it");
    embedder = OnnxImageEmbedder.loadDefault();
    store =
        VectorStores.open(StoreSettings.embedded(dir.toString(), "slow_it", embedder.dimension()));
    store.ensureCollection();
    query = scene(Color.ORANGE);
    queryId = ImageIds.of("images", "orange.png");
    store.upsert(List.of(row("orange.png", query), row("blue.png", scene(Color.BLUE))));
    store.flush();
    service = QueryService.builder(embedder, store).build();
    // the default limits, except the decode permits: pinned to those of a 2-core machine so the
    // heap bound below does
    // not depend on the machine the test runs on
    QueryApiOptions options =
        QueryApiOptions.defaults()
            .withAnonymousAccess()
            .withDecodeLimit(2, QueryApiOptions.DEFAULT_DECODE_WAIT);
    api = TestApis.start(service, options);
    port = api.port();
    // as in a cluster, the pod is ready (its one-time model check done) before traffic arrives
    assertThat(rawGet("/readyz", Duration.ofSeconds(30))).contains(" 200");
  }

  /** The stored row of image {@code key} of bucket {@code images}, camera {@code cam-1}. */
  private VectorRecord row(String key, byte[] image) throws Exception {
    return new VectorRecord(
        ImageIds.of("images", key),
        embedder.embed(image),
        "images",
        key,
        "cam-1",
        1_700_000_000_000L,
        List.of(),
        embedder.modelId());
  }

  @AfterAll
  void stop() throws Exception {
    closeAll(api == null ? null : api::stop, service, store, embedder);
  }

  /** One upload that declares a large body and then sends one byte per second. */
  private static final class Dripper {
    final Socket socket;
    final OutputStream out;
    final long startNanos = System.nanoTime();
    volatile long endNanos;
    volatile String outcome; // status line from the server, or how the connection ended

    Dripper(int port) throws IOException {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(1);
      out = socket.getOutputStream();
      out.write(
          ("POST /v1/search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nContent-Length: 1000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    boolean open() {
      return outcome == null;
    }

    /** Sends the next byte, or notices that the server answered or hung up. */
    void drip() {
      if (!open()) {
        return;
      }
      try {
        String answered = pollStatus();
        if (answered != null) {
          end(answered);
          return;
        }
        out.write(0x89);
        out.flush();
      } catch (IOException e) {
        end("closed: " + e.getClass().getSimpleName());
      }
    }

    private String pollStatus() throws IOException {
      InputStream in = socket.getInputStream();
      try {
        int first = in.read();
        if (first < 0) {
          return "closed: EOF";
        }
        StringBuilder line = new StringBuilder().append((char) first);
        socket.setSoTimeout(1_000);
        for (int c = in.read(); c >= 0 && c != '\r' && line.length() < 200; c = in.read()) {
          line.append((char) c);
        }
        return line.toString();
      } catch (SocketTimeoutException e) {
        return null;
      } finally {
        socket.setSoTimeout(1);
      }
    }

    void end(String how) {
      outcome = how;
      endNanos = System.nanoTime();
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    Duration lifetime() {
      return Duration.ofNanos((open() ? System.nanoTime() : endNanos) - startNanos);
    }
  }

  @Test
  void slowUploadsStarveNeitherTheProbesNorANormalSearch() throws Exception {
    // together more connections than the server has threads (QueryApiOptions.DEFAULT_MAX_THREADS)
    assertThat(DRIPPERS + STALLED).isGreaterThan(QueryApiOptions.DEFAULT_MAX_THREADS);
    List<Dripper> drippers = new ArrayList<>();
    for (int i = 0; i < DRIPPERS; i++) {
      drippers.add(new Dripper(port));
    }
    // and uploads that send their headers and then nothing: they wait for their body without a
    // thread
    List<Dripper> stalled = new ArrayList<>();
    for (int i = 0; i < STALLED; i++) {
      stalled.add(new Dripper(port));
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    ticker.scheduleAtFixedRate(() -> drippers.forEach(Dripper::drip), 0, 1, TimeUnit.SECONDS);
    List<Duration> probeTimes = new ArrayList<>();
    List<Integer> searchStatuses = new ArrayList<>();
    try {
      long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      int round = 0;
      while (System.nanoTime() < end) {
        String path = round % 2 == 0 ? "/healthz" : "/readyz";
        long start = System.nanoTime();
        String status = rawGet(path, PROBE_LIMIT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(status).as("%s after %d probes", path, round).contains(" 200");
        assertThat(took).as("%s answered in", path).isLessThan(PROBE_LIMIT);
        probeTimes.add(took);
        if (round % 10 == 5) {
          searchStatuses.add(normalSearch());
        }
        round++;
        Thread.sleep(100);
      }
    } finally {
      ticker.shutdownNow();
      ticker.awaitTermination(5, TimeUnit.SECONDS);
      drippers.stream().filter(Dripper::open).forEach(d -> d.end("still open at the end"));
      stalled.forEach(d -> d.end("stalled"));
    }

    Map<String, Integer> outcomes = new TreeMap<>();
    drippers.forEach(d -> outcomes.merge(d.outcome, 1, Integer::sum));
    Duration longest =
        drippers.stream().map(Dripper::lifetime).max(Duration::compareTo).orElseThrow();
    System.out.printf(
        "slow uploads: %s; longest %d ms; probes %d, slowest %d ms; searches %s%n",
        outcomes,
        longest.toMillis(),
        probeTimes.size(),
        probeTimes.stream().max(Duration::compareTo).orElseThrow().toMillis(),
        searchStatuses);

    assertThat(searchStatuses).isNotEmpty().containsOnly(200);
    // every trickling upload was cut off by the server (minimum data rate: 408) long before the
    // idle timeout
    assertThat(outcomes.keySet())
        .allMatch(o -> o.startsWith("HTTP/1.1 408") || o.startsWith("closed"), "408 or closed");
    assertThat(outcomes.keySet()).anyMatch(o -> o.startsWith("HTTP/1.1 408"));
    assertThat(longest).isLessThan(Duration.ofSeconds(10));
    // and a normal search right after still works
    assertThat(normalSearch()).isEqualTo(200);
  }

  @Test
  void concurrentDecompressionBombsAreRefusedWithoutTakingTheHeap() throws Exception {
    byte[] bomb = blankPng(399, 125_000);
    assertThat(bomb.length).isBetween(100_000, 200_000);
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long baseline = rt.totalMemory() - rt.freeMemory();
    AtomicLong peak = new AtomicLong(baseline);
    AtomicBoolean sampling = new AtomicBoolean(true);
    Thread sampler =
        new Thread(
            () -> {
              while (sampling.get()) {
                peak.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.start();
    List<CompletableFuture<HttpResponse<byte[]>>> uploads = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        uploads.add(
            http.sendAsync(
                TestApis.postPng(base() + "/v1/search", bomb)
                    .timeout(Duration.ofSeconds(60))
                    .build(),
                BodyHandlers.ofByteArray()));
      }
      List<String> answers = new CopyOnWriteArrayList<>();
      for (CompletableFuture<HttpResponse<byte[]>> upload : uploads) {
        HttpResponse<byte[]> r = upload.get(90, TimeUnit.SECONDS);
        JsonNode body = JSON.readTree(r.body());
        answers.add(r.statusCode() + " " + body.path("error").path("code").asText());
      }
      System.out.printf(
          "bombs: %s; heap used: baseline %d MiB, peak %d MiB, max %d MiB%n",
          answers, baseline >> 20, peak.get() >> 20, rt.maxMemory() >> 20);
      // 4xx (the decoder's aspect-ratio / raster budget, read from the header) or 503 (no decode
      // permit in time)
      for (String answer : answers) {
        int status = Integer.parseInt(answer.substring(0, 3));
        assertThat(status).as(answer).matches(s -> (s >= 400 && s < 500) || s == 503, "4xx or 503");
      }
    } finally {
      sampling.set(false);
      sampler.join();
    }
    // One decode of this canvas takes about 350 MiB of heap; with 2 permits the peak (garbage
    // included) measured
    // 0.7 .. 1.3 GiB above the baseline, with all 8 decoding at once 2.4 GiB of the 3 GiB heap
    // (failsafe -Xmx3g).
    assertThat((peak.get() - baseline) >> 20).as("MiB of heap above the baseline").isLessThan(1792);
    assertThat(rawGet("/healthz", PROBE_LIMIT)).contains(" 200");
    assertThat(normalSearch()).isEqualTo(200);
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private int normalSearch() throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            TestApis.postPng(base() + "/v1/search?k=1", query)
                .timeout(Duration.ofSeconds(20))
                .build(),
            BodyHandlers.ofByteArray());
    if (r.statusCode() == 200) {
      assertThat(JSON.readTree(r.body()).get("results").get(0).get("id").asText())
          .isEqualTo(queryId);
    }
    return r.statusCode();
  }

  /** A GET on a new connection, like a kubelet probe; returns the status line or how it failed. */
  private String rawGet(String path, Duration timeout) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\r'; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    } catch (SocketTimeoutException e) {
      return "timed out after " + timeout.toMillis() + " ms";
    }
  }

  /** A small drawn scene, so the model has something to see. */
  private static byte[] scene(Color colour) throws IOException {
    BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 320, 240);
    g.setColor(colour);
    g.fillOval(60, 40, 200, 160);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  /**
   * A valid all-black RGB PNG of {@code width x height}, written row by row so the test never holds
   * the canvas: the rows deflate about 1000:1, a small file that decodes to a huge bitmap.
   */
  static byte[] blankPng(int width, int height) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(ihdr);
    h.writeInt(width);
    h.writeInt(height);
    h.write(
        new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, no filter method variants, no interlace
    chunk(file, "IHDR", ihdr.toByteArray());
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION))) {
      byte[] row = new byte[1 + width * 3]; // filter byte 0 + black pixels
      for (int y = 0; y < height; y++) {
        z.write(row);
      }
    }
    chunk(file, "IDAT", idat.toByteArray());
    chunk(file, "IEND", new byte[0]);
    return file.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream file, String type, byte[] data)
      throws IOException {
    DataOutputStream out = new DataOutputStream(file);
    out.writeInt(data.length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.write(typeBytes);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
