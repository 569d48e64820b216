package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.indexed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imgsearch.cli.bench.SyntheticJpegs;
import dev.imgsearch.local.servers.FlinkRest;
import io.minio.MinioClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imgsearch local --cluster} as a user runs it, in a child JVM with this build's class path:
 * it prints the summary once a 3-node Kafka, the S3 server, ingest-stream, a Flink session cluster
 * (JobManager + 2 TaskManagers) with the job submitted as its shaded jar, and the query API in its
 * own JVM are up; images uploaded through S3 become searchable through the API (the query API's
 * process reads the embedded store the job's sink writes in a TaskManager); the Flink REST API
 * shows 2 TaskManagers and the job RUNNING (the embed stage at parallelism 2, the store's sink at
 * 1). SIGTERM (what Ctrl-C sends the launcher's JVM too) stops it, and no process it started
 * remains.
 *
 * <p>Needs the job jar, the Flink and S3 server class paths: {@code ./mvnw -pl
 * local/flink-lib,local/s3-server,local/cli -am verify -Dit.test=LocalClusterIT}.
 */
class LocalClusterIT {
  private static final int IMAGES = 6;

  @TempDir Path dir;

  @Test
  void theClusterStackServesSearchesAndLeavesNoProcessBehind() throws Exception {
    int httpPort = freePort();
    int s3Port = freePort();
    Path log = Path.of("target", "local-cluster-it.log"); // kept for a look after a failure
    long t0 = System.nanoTime();
    Process cli = launch(dir.resolve("data"), httpPort, s3Port, log);
    List<ProcessHandle> children = List.of();
    Stopped stopped;
    try {
      Map<String, String> summary = awaitSummary(cli, log, Duration.ofMinutes(5));
      double upSeconds = seconds(t0);
      String api = "http://127.0.0.1:" + httpPort;
      assertThat(summary.get("Web page / query API")).startsWith(api);
      String flinkUrl = summary.get("Flink web UI / REST").split("\\s+")[0];
      assertThat(summary.get("Kafka").split("\\s+")[0].split(",")).hasSize(3);
      assertThat(summary.get("Vector store")).startsWith("embedded (");

      children = cli.descendants().toList();
      assertThat(commandLines(children))
          .as("every stage that is a process of its own")
          .anyMatch(c -> c.contains("dev.imgsearch.query.server.QueryServer"))
          .anyMatch(c -> c.contains("StandaloneSessionClusterEntrypoint"))
          .anyMatch(c -> c.contains("dev.imgsearch.local.s3.S3ServerMain"))
          .filteredOn(c -> c.contains("TaskManagerRunner"))
          .hasSize(2);

      FlinkRest rest = new FlinkRest(flinkUrl);
      assertThat(rest.taskManagers()).isEqualTo(2);
      JsonNode jobs = getJson(flinkUrl + "/jobs/overview").get("jobs");
      assertThat(jobs).hasSize(1);
      String jobId = jobs.get(0).get("jid").asText();
      assertThat(jobs.get(0).get("state").asText()).isEqualTo("RUNNING");
      FlinkRest.JobStatus job = rest.job(jobId);
      assertThat(job.fullyRunning()).isTrue();
      assertThat(job.vertices())
          .filteredOn(v -> v.name().contains("fetch-decode-embed"))
          .singleElement()
          .satisfies(v -> assertThat(v.parallelism()).isEqualTo(2));
      assertThat(job.vertices())
          .filteredOn(v -> v.name().contains("vector-store"))
          .singleElement()
          .satisfies(v -> assertThat(v.parallelism()).as("the store's single writer").isEqualTo(1));

      MinioClient s3 =
          MinioClient.builder()
              .endpoint("http://127.0.0.1:" + s3Port)
              .credentials(
                  LocalStackSettings.DEFAULT_ACCESS_KEY, LocalStackSettings.DEFAULT_SECRET_KEY)
              .build();
      long t1 = System.nanoTime();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < IMAGES; i++) {
        ids.add(
            FaultCamera.putJpeg(
                s3, LocalStackSettings.DEFAULT_BUCKET, "cluster/img-" + i + ".jpg", i, "cluster"));
      }
      awaitIndexed(api, ids, Duration.ofMinutes(2), cli);
      double searchableSeconds = seconds(t1);
      // the query API's process embeds a probe itself and finds the uploaded copy first
      JsonNode hits =
          postImage(api + "/v1/search?k=3", SyntheticJpegs.jpeg(3, 640, 480)).get("results");
      assertThat(hits.get(0).get("key").asText()).isEqualTo("cluster/img-3.jpg");
      assertThat(hits.get(0).get("score").asDouble()).isGreaterThan(0.99);
      System.out.printf(
          "LOCAL-CLUSTER: up (summary printed) in %.1f s with %d child processes; %d uploads searchable in %.1f s;"
              + " resident memory %s%n",
          upSeconds, children.size(), IMAGES, searchableSeconds, residentMemory(cli, children));
    } finally {
      stopped = stop(cli, children);
    }
    assertThat(stopped.exited()).as("imgsearch local --cluster exits on SIGTERM").isTrue();
    assertThat(commandLines(stopped.left())).as("child processes left behind").isEmpty();
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("Stopping ...");
    assertThat(children).as("the children seen while it ran").hasSizeGreaterThanOrEqualTo(5);
  }

  private record Stopped(boolean exited, List<ProcessHandle> left) {}

  /**
   * SIGTERM to the CLI (as Ctrl-C's SIGINT: its shutdown hook stops the stack), up to 2 minutes for
   * it to exit; then whatever of {@code children} is still alive (killed, so that nothing outlives
   * the test).
   */
  private static Stopped stop(Process cli, List<ProcessHandle> children)
      throws InterruptedException {
    java.util.Set<ProcessHandle> all = new java.util.LinkedHashSet<>(children);
    all.addAll(cli.descendants().toList()); // also those started after the summary, or without one
    long stop = System.nanoTime();
    cli.destroy();
    boolean exited = cli.waitFor(2, TimeUnit.MINUTES);
    List<ProcessHandle> left = all.stream().filter(ProcessHandle::isAlive).toList();
    left.forEach(ProcessHandle::destroyForcibly);
    cli.destroyForcibly();
    System.out.printf(
        "LOCAL-CLUSTER: stopped in %.1f s, %d of %d children left%n",
        seconds(stop), left.size(), all.size());
    return new Stopped(exited, left);
  }

  /** {@code imgsearch local --cluster} in a child JVM with this test's classpath. */
  private static Process launch(Path data, int httpPort, int s3Port, Path log) throws IOException {
    List<String> cmd =
        CliJvm.command(
            CliJvm.turboJpeg()
                .map(lib -> List.of("-Dimgsearch.turbojpeg.library=" + lib.toAbsolutePath()))
                .orElse(List.of()),
            List.of(
                "local",
                "--cluster",
                "--data-dir",
                data.toString(),
                "--http-port",
                Integer.toString(httpPort),
                "--s3-port",
                Integer.toString(s3Port)));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for the "imgsearch is running." block and returns its {@code name : value} lines. */
  private static Map<String, String> awaitSummary(Process cli, Path log, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      int start = lines.indexOf("imgsearch is running.");
      Optional<String> last =
          start < 0
              ? Optional.empty()
              : lines.subList(start, lines.size()).stream()
                  .filter(l -> l.startsWith("Ctrl-C stops everything"))
                  .findFirst();
      if (last.isPresent()) {
        Map<String, String> summary = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
          int colon = line.indexOf(" : ");
          if (line.startsWith("  ") && colon > 0) {
            summary.put(line.substring(0, colon).strip(), line.substring(colon + 3).strip());
          }
        }
        return summary;
      }
      if (!cli.isAlive()) {
        throw new AssertionError(
            "imgsearch local --cluster exited with " + cli.exitValue() + ":\n" + tail(lines));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no summary within " + timeout + ":\n" + tail(lines));
      }
      Thread.sleep(500);
    }
  }

  private static void awaitIndexed(String api, List<String> ids, Duration timeout, Process cli)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ids.stream().allMatch(id -> indexed(api, id))) {
      assertThat(cli.isAlive()).as("imgsearch local --cluster runs").isTrue();
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not all of "
                + ids
                + " searchable within "
                + timeout
                + "; indexed: "
                + ids.stream().filter(id -> indexed(api, id)).toList());
      }
      Thread.sleep(250);
    }
  }

  private static JsonNode getJson(String url) throws Exception {
    return StackClient.json(HttpRequest.newBuilder(URI.create(url)).build(), 200);
  }

  private static JsonNode postImage(String url, byte[] jpeg) throws Exception {
    return StackClient.json(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg))
            .build(),
        200);
  }

  /** VmRSS of the CLI and each child from /proc (Linux), in MiB, and their sum. */
  private static String residentMemory(Process cli, List<ProcessHandle> children) {
    List<ProcessHandle> all = new ArrayList<>(List.of(cli.toHandle()));
    all.addAll(children);
    StringBuilder out = new StringBuilder();
    long total = 0;
    for (ProcessHandle h : all) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + h.pid() + "/status"))) {
          if (line.startsWith("VmRSS:")) {
            long mib = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            total += mib;
            out.append(mainClass(h)).append(' ').append(mib).append(", ");
          }
        }
      } catch (IOException | RuntimeException e) {
        out.append(h.pid()).append(" ?, ");
      }
    }
    return out.append("total ").append(total).append(" MiB").toString();
  }

  /** The simple name of the main class a JVM was started with (the word after its class path). */
  private static String mainClass(ProcessHandle h) {
    List<String> words = List.of(commandLine(h).split(" "));
    int cp = words.indexOf("-cp");
    String main = cp >= 0 && cp + 2 < words.size() ? words.get(cp + 2) : "pid " + h.pid();
    return main.substring(main.lastIndexOf('.') + 1);
  }

  private static List<String> commandLines(List<ProcessHandle> handles) {
    return handles.stream().map(h -> h.pid() + " " + commandLine(h)).toList();
  }

  /**
   * The whole command line from /proc (ProcessHandle.Info cuts long ones, and a class path is
   * long).
   */
  private static String commandLine(ProcessHandle h) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc/" + h.pid() + "/cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
    } catch (IOException e) {
      return h.info().commandLine().orElse("?");
    }
  }

  private static String tail(List<String> lines) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
