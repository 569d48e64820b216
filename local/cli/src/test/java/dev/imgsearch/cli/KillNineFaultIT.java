package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.cli.bench.SyntheticJpegs;
import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline ({@code imgsearch local}: Kafka, S3 server child, ingest-stream, Flink job,
 * embedded store, query API) runs in a child JVM. While a client uploads continuously, the pipeline
 * and its S3 child are killed with SIGKILL mid-stream and restarted on the same data dir, {@code
 * imgsearch.faults.rounds} times (default 10). At the end the index holds exactly the set of
 * successfully uploaded images: none lost, none duplicated. A watch matching every image (issue
 * #15) is armed before the first upload: the alerts topic ends with exactly one alert id per
 * uploaded image (replays after a kill may repeat an alert; its deterministic id makes the copy
 * recognisable), none missing.
 */
class KillNineFaultIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;

  @Test
  void killedAndRestartedRepeatedlyTheIndexEqualsTheUploadedSet() throws Exception {
    int rounds = Integer.getInteger("imgsearch.faults.rounds", 10);
    int httpPort = freePort();
    int kafkaPort = freePort();
    int s3Port = freePort();
    String api = "http://127.0.0.1:" + httpPort;
    Path data = dir.resolve("data");
    MinioClient s3 =
        MinioClient.builder()
            .endpoint("http://127.0.0.1:" + s3Port)
            .region("us-east-1")
            .credentials(
                LocalStackSettings.DEFAULT_ACCESS_KEY, LocalStackSettings.DEFAULT_SECRET_KEY)
            .build();

    Set<String> uploaded = ConcurrentHashMap.newKeySet();
    AtomicInteger failedPuts = new AtomicInteger();
    AtomicBoolean uploading = new AtomicBoolean(true);
    ExecutorService uploader = Executors.newSingleThreadExecutor();
    Process pipeline = launch(data, httpPort, kafkaPort, s3Port, 0);
    List<String> log = new ArrayList<>();
    try {
      awaitReady(api, pipeline, Duration.ofMinutes(3));
      String watchId = "kill9-every-image";
      HttpResponse<String> watch =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/v1/watches"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"id\":\""
                              + watchId
                              + "\",\"name\":\"every image\",\"target\":\"NEAR_DUPLICATES\","
                              + "\"phash\":\"0000000000000000\",\"threshold\":64,\"cooldown\":\"PT0S\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(watch.statusCode()).as(watch.body()).isEqualTo(201);
      // a probe image: its alert shows the job has read the watch before the stream starts
      String probe = "kill9/probe.jpg";
      byte[] probeBytes = SyntheticJpegs.jpeg(-1, 640, 480);
      s3.putObject(
          PutObjectArgs.builder().bucket(LocalStackSettings.DEFAULT_BUCKET).object(probe).stream(
                  new ByteArrayInputStream(probeBytes), (long) probeBytes.length, null)
              .contentType("image/jpeg")
              .userMetadata(Map.of("source", "kill9"))
              .build());
      uploaded.add(ImageIds.of(LocalStackSettings.DEFAULT_BUCKET, probe));
      String probeAlert =
          AlertIds.of(watchId, ImageIds.of(LocalStackSettings.DEFAULT_BUCKET, probe));
      assertThat(alertIds(kafkaPort, Set.of(probeAlert), Duration.ofMinutes(2)))
          .as("the probe's alert")
          .containsKey(probeAlert);
      Future<?> uploads =
          uploader.submit(
              () -> {
                int i = 0;
                while (uploading.get()) {
                  String key = "kill9/img-" + i + ".jpg";
                  long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                  while (true) { // retried until it succeeds: the uploaded set is what the S3 API
                    // acknowledged
                    try {
                      byte[] bytes = SyntheticJpegs.jpeg(i, 640, 480);
                      s3.putObject(
                          PutObjectArgs.builder()
                              .bucket(LocalStackSettings.DEFAULT_BUCKET)
                              .object(key)
                              .stream(new ByteArrayInputStream(bytes), (long) bytes.length, null)
                              .contentType("image/jpeg")
                              .userMetadata(Map.of("source", "kill9"))
                              .build());
                      uploaded.add(ImageIds.of(LocalStackSettings.DEFAULT_BUCKET, key));
                      break;
                    } catch (Exception e) {
                      failedPuts.incrementAndGet();
                      if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("PUT of " + key + " failing for 3 min", e);
                      }
                      Thread.sleep(250);
                    }
                  }
                  i++;
                  Thread.sleep(100); // ≈ 10 images/s while up
                }
                return null;
              });
      int indexedAtKill = -1;
      for (int round = 1; round <= rounds; round++) {
        // mid-stream: wait until the restarted job indexes again, then kill while uploads, fetches,
        // embeds and
        // flushes are in flight
        long progressDeadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count(api) <= indexedAtKill && System.nanoTime() < progressDeadline) {
          Thread.sleep(200);
        }
        Thread.sleep(500 + 700L * (round % 4));
        int before = uploaded.size();
        int indexedBefore = count(api);
        assertThat(indexedBefore)
            .as("round " + round + ": the job made progress before the kill")
            .isGreaterThan(indexedAtKill);
        indexedAtKill = indexedBefore;
        killTree(pipeline);
        long t0 = System.nanoTime();
        pipeline = launch(data, httpPort, kafkaPort, s3Port, round);
        awaitReady(api, pipeline, Duration.ofMinutes(3));
        String line =
            String.format(
                "round %d: SIGKILL with %d uploaded, %d indexed; restarted and ready in %.1f s",
                round, before, indexedBefore, (System.nanoTime() - t0) / 1e9);
        log.add(line);
        System.out.println("FAULT kill-9 " + line);
      }
      Thread.sleep(3_000);
      uploading.set(false);
      uploads.get(4, TimeUnit.MINUTES);
      uploader.shutdown();
      long t0 = System.nanoTime();
      Set<String> missing = ConcurrentHashMap.newKeySet();
      missing.addAll(uploaded);
      while (!missing.isEmpty() && System.nanoTime() - t0 < Duration.ofMinutes(4).toNanos()) {
        missing.removeIf(id -> status(api + "/v1/images/" + id) == 200);
        Thread.sleep(500);
      }
      int indexed = count(api);
      System.out.printf(
          "FAULT kill-9: %d rounds; %d images uploaded (%d failed PUTs retried while the pipeline was down); all indexed %.1f s"
              + " after the last upload; index count %d, missing %d%n",
          rounds,
          uploaded.size(),
          failedPuts.get(),
          (System.nanoTime() - t0) / 1e9,
          indexed,
          missing.size());
      assertThat(missing).as("lost images").isEmpty();
      assertThat(indexed)
          .as("index count = uploaded set (no duplicates, nothing extra)")
          .isEqualTo(uploaded.size());

      Set<String> expected = new HashSet<>();
      uploaded.forEach(id -> expected.add(AlertIds.of(watchId, id)));
      Map<String, Integer> alerts = alertIds(kafkaPort, expected, Duration.ofMinutes(2));
      int copies = alerts.values().stream().mapToInt(Integer::intValue).sum() - alerts.size();
      System.out.printf(
          "FAULT kill-9 alerts: %d distinct alert ids for %d uploaded images (probe included), %d repeated copies"
              + " (at-least-once replays)%n",
          alerts.size(), uploaded.size(), copies);
      assertThat(alerts.keySet()).as("one alert id per uploaded image").isEqualTo(expected);
    } finally {
      uploading.set(false);
      uploader.shutdownNow();
      killTree(pipeline);
    }
  }

  /**
   * The keys (alert ids) on the alerts topic with their number of copies, read from the start until
   * every {@code expected} id is there or {@code timeout} passes.
   */
  private static Map<String, Integer> alertIds(
      int kafkaPort, Set<String> expected, Duration timeout) {
    Properties p = new Properties();
    p.put("bootstrap.servers", "127.0.0.1:" + kafkaPort);
    p.put("group.id", "kill9-alerts-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    Map<String, Integer> ids = new HashMap<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topics.ALERTS.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!ids.keySet().containsAll(expected) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          ids.merge(r.key(), 1, Integer::sum);
        }
      }
      // whatever else is already on the topic (an alert no image explains would show here)
      for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(2))) {
        ids.merge(r.key(), 1, Integer::sum);
      }
    }
    return ids;
  }

  /**
   * {@code imgsearch local} in a child JVM with this test's classpath; output to a log file per
   * round.
   */
  private Process launch(Path data, int httpPort, int kafkaPort, int s3Port, int round)
      throws IOException {
    List<String> cmd =
        CliJvm.command(
            List.of(),
            List.of(
                "local",
                "--data-dir",
                data.toString(),
                "--http-port",
                Integer.toString(httpPort),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--s3-port",
                Integer.toString(s3Port)));
    Path out = dir.resolve("pipeline-" + round + ".log");
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
  }

  /**
   * SIGKILL to the pipeline and every process it started (the S3 server child), as a crashed host
   * would.
   */
  private static void killTree(Process p) throws InterruptedException {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    for (ProcessHandle h : all) {
      h.destroyForcibly();
    }
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("process " + h.pid() + " did not die", e);
      }
    }
  }

  private void awaitReady(String api, Process p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (status(api + "/readyz") != 200) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "pipeline exited with " + p.exitValue() + " (see " + dir + ")");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pipeline not ready within " + timeout);
      }
      Thread.sleep(250);
    }
  }

  private int status(String url) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private int count(String api) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + "/v1/stats")).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? JSON.readTree(r.body()).get("count").asInt() : -1;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
