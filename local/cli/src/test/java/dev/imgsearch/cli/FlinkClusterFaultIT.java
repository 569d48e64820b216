package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.deadLetterCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.ingest.IngestApp;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.local.servers.EmbedderJobJar;
import dev.imgsearch.local.servers.FlinkCluster;
import dev.imgsearch.local.servers.FlinkRest;
import dev.imgsearch.local.servers.KafkaCluster;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.schemas.Topics;
import io.minio.MinioClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedder job on a real multi-process Flink standalone session cluster ({@link FlinkCluster}:
 * a JobManager and two TaskManagers, separate JVMs), submitted as the shaded job jar through the
 * REST API, parallelism 2 — the whole path of native libraries (ONNX Runtime, libjpeg-turbo)
 * through Flink's user-code class loader. Kafka is a 3-node KRaft cluster, each node its own JVM
 * ({@link KafkaCluster}: replication factor 3, min.insync.replicas 2). Images are uploaded through
 * the S3 API (S3 server → notifications → ingest-stream → image events) at ≈ 10/s, and the same
 * faults hit the pipeline on each vector store (the test runs once per store):
 *
 * <ol>
 *   <li>{@link #taskManagerKilled}: mid-stream the TaskManager running the vector-store sink
 *       (subtask 0) is killed with SIGKILL; the job restarts on the other TaskManager's spare
 *       slots;
 *   <li>{@link #kafkaBrokerKilled}: mid-stream the Kafka broker leading the notifications' first
 *       partition is killed with SIGKILL and restarted 10 s later; uploads and indexing go on;
 *   <li>{@link #savepointUpgrade} (embedded store): the upgrade path of the Kubernetes operator —
 *       stop with a savepoint mid-stream, more images arrive while no job runs, the job jar,
 *       uploaded again as the new build, starts from the savepoint with {@code
 *       allowNonRestoredState=false}.
 * </ol>
 *
 * After each, the index holds exactly the uploaded images, each once, and there are no dead
 * letters.
 *
 * <p>Stores: {@code embedded} — the Lucene directory is on this machine's disk, which both
 * TaskManagers reach: the sink (one subtask, the store's single writer) reopens it wherever it
 * restarts, the stand-in for a volume that follows the writer in a real deployment; {@code milvus}
 * — the real Milvus standalone server ({@link ClusterIndex#milvus}), a new collection, the sink at
 * parallelism 2, the index read with STRONG consistency. Needs the job jar and the cluster's
 * classpath: {@code ./mvnw -pl local/flink-lib,local/s3-server,local/cli -am verify -Pfaults
 * -Dit.test=FlinkClusterFaultIT}.
 */
class FlinkClusterFaultIT {
  private static final String BUCKET = "images";
  private static final String ACCESS = "imgsearch";
  private static final String SECRET = "imgsearch-secret";
  private static final int IMAGES = 100;
  private static final String PREFIX = "cluster-fault/";
  private static final long MAX_PUT_MS = 10_000;
  private static final double MAX_CATCH_UP_SECONDS = 60;

  @TempDir Path dir;

  /** What the phases share: the servers, the running job, the camera's uploads. */
  private record Stack(
      KafkaCluster kafka,
      FlinkCluster flink,
      MinioClient s3,
      String s3Endpoint,
      ClusterIndex index,
      Set<String> uploaded) {
    FlinkRest rest() {
      return flink.rest();
    }

    FaultCamera camera(int from, int to) {
      return FaultCamera.start(
          uploaded,
          (key, seed) -> FaultCamera.putJpeg(s3, BUCKET, key, seed, "cluster-faults"),
          PREFIX,
          from,
          to);
    }
  }

  @ParameterizedTest(name = "{0} store")
  @ValueSource(strings = {"embedded", "milvus"})
  void taskManagerKilledThenKafkaBrokerKilledLoseAndDuplicateNothing(String store)
      throws Exception {
    long t0 = System.nanoTime();
    try (ClusterIndex index =
        store.equals("milvus")
            ? ClusterIndex.milvus()
            : ClusterIndex.embedded(dir.resolve("vectors"))) {
      double storeSeconds = seconds(t0);
      long tk = System.nanoTime();
      try (KafkaCluster kafka = KafkaCluster.start(dir.resolve("kafka"), 3)) {
        double kafkaSeconds = seconds(tk);
        kafka.createTopics(
            2, Topics.NOTIFICATIONS.name(), Topics.IMAGE_EVENTS.name(), Topics.DEAD_LETTERS.name());
        try (S3ServerProcess s3 =
                S3ServerProcess.start(
                    dir.resolve("s3"),
                    0,
                    ACCESS,
                    SECRET,
                    kafka.bootstrapServers(),
                    Topics.NOTIFICATIONS.name(),
                    BUCKET);
            IngestApp ingest =
                new IngestApp(
                        IngestSettings.fromMap(
                            Map.of(
                                "kafka.bootstrap-servers",
                                kafka.bootstrapServers(),
                                "state.dir",
                                dir.resolve("ingest-state").toString(),
                                "metrics.port",
                                "-1")))
                    .start()) {
          long t1 = System.nanoTime();
          try (FlinkCluster flink = FlinkCluster.start(dir.resolve("flink"), 2, taskManagerEnv())) {
            double clusterSeconds = seconds(t1);
            Stack stack =
                new Stack(
                    kafka,
                    flink,
                    MinioClient.builder()
                        .endpoint(s3.endpoint())
                        .region("us-east-1")
                        .credentials(ACCESS, SECRET)
                        .build(),
                    s3.endpoint(),
                    index,
                    ConcurrentHashMap.newKeySet());
            FlinkRest rest = flink.rest();
            long t2 = System.nanoTime();
            String jobId = submitJob(stack, null);
            System.out.printf(
                "FAULT flink-cluster-%s: store ready in %.1f s, Kafka (3 node JVMs) up in %.1f s, Flink"
                    + " cluster in %.1f s, job submitted and running in %.1f s%n",
                store, storeSeconds, kafkaSeconds, clusterSeconds, seconds(t2));

            taskManagerKilled(stack, jobId);
            kafkaBrokerKilled(stack);
            assertThat(rest.job(jobId).state()).isEqualTo("RUNNING");
            if (index.singleWriter()) {
              jobId = savepointUpgrade(stack, jobId);
            }
            rest.cancel(jobId);
          }
        }
      }
    }
    System.out.printf("FAULT flink-cluster-%s: test time %.0f s%n", store, seconds(t0));
  }

  /**
   * First phase: 100 uploads at ≈ 10/s; once 10 are indexed, SIGKILL to the TaskManager running the
   * sink's subtask 0. The job restarts on the surviving TaskManager's two slots; the killed one is
   * started again afterwards.
   */
  private void taskManagerKilled(Stack stack, String jobId) throws Exception {
    FlinkRest rest = stack.rest();
    ClusterIndex index = stack.index();
    FaultCamera camera = stack.camera(0, IMAGES);
    awaitIndexedAtLeast(index, IMAGES / 10, Duration.ofMinutes(3));
    String embedVertex = vertex(rest, jobId, "fetch-decode-embed").id();
    String turboBefore = metric(rest, jobId, embedVertex, "0.fetch-decode-embed.jpegTurbo");
    String victim = sinkTaskManagers(rest, jobId, index).get(0);
    long indexedAtKill = index.count();
    int uploadedAtKill = stack.uploaded().size();
    long kill = System.nanoTime();
    stack.flink().killTaskManager(victim);
    awaitRestartedAndRunning(rest, jobId, Duration.ofMinutes(3));
    double recoverySeconds = seconds(kill);
    List<String> newHomes = sinkTaskManagers(rest, jobId, index);
    camera.awaitDone(Duration.ofMinutes(3));
    awaitIndexedAtLeast(index, IMAGES, Duration.ofMinutes(4));
    double allIndexedSeconds = seconds(kill);
    // both embed subtasks now run in the surviving TaskManager, one of them in a class loader new
    // to that JVM
    List<String> turboAfter =
        List.of(
            metric(rest, jobId, embedVertex, "0.fetch-decode-embed.jpegTurbo"),
            metric(rest, jobId, embedVertex, "1.fetch-decode-embed.jpegTurbo"));
    stack.flink().startTaskManager(victim);
    stack.flink().awaitTaskManagers(2, Duration.ofMinutes(2));
    Outcome outcome = Outcome.of(stack);
    System.out.printf(
        "FAULT flink-tm-kill (%s store): killed %s (running the sink's subtask 0) with %d uploaded, %d"
            + " indexed of %d; job running again (sink on %s) %.1f s after the kill, all indexed %.1f s"
            + " after it; %s; libjpeg-turbo gauge before"
            + " %s, after %s%n",
        index.kind(),
        victim,
        uploadedAtKill,
        indexedAtKill,
        IMAGES,
        newHomes,
        recoverySeconds,
        allIndexedSeconds,
        outcome.text(),
        turboBefore,
        turboAfter);
    assertThat(uploadedAtKill).as("uploads go on after the kill").isLessThan(IMAGES);
    assertThat(indexedAtKill).as("the kill must hit the stream mid-way").isLessThan(IMAGES);
    if (!taskManagerEnv().isEmpty()) {
      // the JNI library loads through Flink's user-code class loader, also after the failover
      assertThat(turboBefore).isEqualTo("1");
      assertThat(turboAfter).containsOnly("1");
    }
    assertThat(newHomes).as("the sink moved to the surviving TaskManager").doesNotContain(victim);
    outcome.assertExactlyUploaded();
  }

  /**
   * Second phase: 100 more uploads at ≈ 10/s; after 2 s SIGKILL to the Kafka node leading the
   * notifications' partition 0 (the S3 server's PUTs wait on it), started again 10 s later. A PUT
   * may block until the controller fences the silent broker and another replica leads ({@link
   * KafkaCluster}: 4 s session timeout); uploads and indexing go on meanwhile.
   */
  private void kafkaBrokerKilled(Stack stack) throws Exception {
    KafkaCluster kafka = stack.kafka();
    ClusterIndex index = stack.index();
    FaultCamera camera = stack.camera(IMAGES, 2 * IMAGES);
    Thread.sleep(2_000);
    int victim = leaderOf(kafka.bootstrapServers(), Topics.NOTIFICATIONS.name(), 0);
    int controller = activeController(kafka.bootstrapServers());
    int uploadedAtKill = stack.uploaded().size();
    long indexedAtKill = index.count();
    long kill = System.nanoTime();
    int exitStatus = kafka.killNode(victim);
    Thread.sleep(10_000);
    int uploadedWhileDown = stack.uploaded().size();
    long indexedWhileDown = index.count();
    long restart = System.nanoTime();
    kafka.startNode(victim);
    double restartSeconds = seconds(restart);
    camera.awaitDone(Duration.ofMinutes(3));
    awaitIndexedAtLeast(index, 2 * IMAGES, Duration.ofMinutes(3));
    double allIndexedSeconds = seconds(kill);
    Outcome outcome = Outcome.of(stack);
    System.out.printf(
        "FAULT kafka-broker-kill (%s store): node %d of 3 (leader of %s-0; the active controller: %s)"
            + " killed with SIGKILL (exit status %d) after %d of %d uploads, %d indexed; in the 10 s it was down %d more were"
            + " uploaded and %d more indexed; restarted and serving in %.1f s; longest PUT %d ms; all"
            + " indexed %.1f s after the kill; %s%n",
        index.kind(),
        victim,
        Topics.NOTIFICATIONS.name(),
        victim == controller ? "yes" : "no, node " + controller,
        exitStatus,
        uploadedAtKill,
        2 * IMAGES,
        indexedAtKill,
        uploadedWhileDown - uploadedAtKill,
        indexedWhileDown - indexedAtKill,
        restartSeconds,
        camera.longestPutMs(),
        allIndexedSeconds,
        outcome.text());
    assertThat(exitStatus).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
    assertThat(uploadedAtKill).as("the kill must hit the stream mid-way").isLessThan(2 * IMAGES);
    assertThat(uploadedWhileDown)
        .as("producers carry on: PUTs acknowledged with the broker down")
        .isGreaterThan(uploadedAtKill);
    assertThat(indexedWhileDown)
        .as("consumers carry on: images indexed with the broker down")
        .isGreaterThan(indexedAtKill);
    assertThat(camera.longestPutMs()).as("longest PUT (ms)").isLessThan(MAX_PUT_MS);
    assertThat(allIndexedSeconds)
        .as("every image indexed soon after the kill (s)")
        .isLessThan(MAX_CATCH_UP_SECONDS);
    outcome.assertExactlyUploaded();
  }

  /**
   * Third phase: 100 more uploads at ≈ 10/s; once 10 of them are indexed the job is stopped with a
   * savepoint; the rest arrive while no job runs; the jar is uploaded again (the "new build") and
   * run from the savepoint with {@code allowNonRestoredState=false}. Returns the new job's id.
   */
  private String savepointUpgrade(Stack stack, String jobId) throws Exception {
    FlinkRest rest = stack.rest();
    ClusterIndex index = stack.index();
    FaultCamera camera = stack.camera(2 * IMAGES, 3 * IMAGES);
    awaitIndexedAtLeast(index, 2 * IMAGES + 10, Duration.ofMinutes(2));
    int uploadedAtStop = stack.uploaded().size();
    long stop = System.nanoTime();
    String savepoint =
        rest.stopWithSavepoint(
            jobId, dir.resolve("savepoints").toUri().toString(), Duration.ofMinutes(2));
    double savepointSeconds = seconds(stop);
    // the savepoint completes before the job ends
    String stoppedState = awaitTerminal(rest, jobId, Duration.ofMinutes(1));
    double stoppedSeconds = seconds(stop);
    camera.awaitDone(Duration.ofMinutes(3));
    long indexedWhileDown = index.count();
    long start = System.nanoTime();
    String upgraded = submitJob(stack, savepoint);
    double restartSeconds = seconds(start);
    String restoredFrom = rest.restoredFrom(upgraded);
    awaitIndexedAtLeast(index, 3 * IMAGES, Duration.ofMinutes(4));
    double allIndexedSeconds = seconds(start);
    Outcome outcome = Outcome.of(stack);
    System.out.printf(
        "FAULT savepoint-upgrade (%s store): stop-with-savepoint after %d of %d uploads took %.1f s, job"
            + " %s %.1f s after the stop; %d indexed while no job ran; new build submitted and running"
            + " from the savepoint in %.1f s, all indexed %.1f s after the submit; %s%n",
        index.kind(),
        uploadedAtStop,
        3 * IMAGES,
        savepointSeconds,
        stoppedState,
        stoppedSeconds,
        indexedWhileDown,
        restartSeconds,
        allIndexedSeconds,
        outcome.text());
    assertThat(stoppedState).isEqualTo("FINISHED");
    assertThat(uploadedAtStop).as("the stop must hit the stream mid-way").isLessThan(3 * IMAGES);
    assertThat(indexedWhileDown)
        .as("uploads while the job is down wait for it")
        .isLessThan(3 * IMAGES);
    assertThat(restoredFrom)
        .as("the new job restored the savepoint")
        .isNotEmpty()
        .endsWith(savepoint.substring(savepoint.lastIndexOf('/') + 1));
    assertThat(upgraded).isNotEqualTo(jobId);
    outcome.assertExactlyUploaded();
    return upgraded;
  }

  /** How a phase ends: the index's contents against the uploads, and the dead letters. */
  private record Outcome(ClusterIndex.Contents contents, Set<String> uploaded, int deadLetters) {
    /**
     * Read after a few more checkpoints, once every image was indexed: a late duplicate would show.
     */
    static Outcome of(Stack stack) throws Exception {
      Thread.sleep(3_000);
      return new Outcome(
          stack.index().contents(stack.uploaded()),
          stack.uploaded(),
          deadLetterCount(stack.kafka().bootstrapServers()));
    }

    String text() {
      return String.format(
          "index %d rows, %d of the %d uploaded ids found, dead letters %d",
          contents.rows(),
          uploaded.size() - contents.missing().size(),
          uploaded.size(),
          deadLetters);
    }

    /** Every uploaded image in the index, and as many rows as uploads: each once, nothing else. */
    void assertExactlyUploaded() {
      assertThat(contents.missing()).as("uploaded images missing from the index").isEmpty();
      assertThat(contents.rows()).as("rows: each image once").isEqualTo(uploaded.size());
      assertThat(deadLetters).as("dead letters").isZero();
    }
  }

  /**
   * Uploads the shaded job jar (again: a new build) and runs it at parallelism 2, from {@code
   * savepoint} when not null; returns the job id once the job and all its vertices run.
   */
  private static String submitJob(Stack stack, String savepoint) throws Exception {
    FlinkRest rest = stack.rest();
    String jobId =
        rest.runJar(
            rest.uploadJar(EmbedderJobJar.locate()),
            EmbedderJobJar.ENTRY_CLASS,
            2,
            jobArgs(stack),
            savepoint);
    rest.awaitFullyRunning(jobId, Duration.ofMinutes(3));
    return jobId;
  }

  private static List<String> jobArgs(Stack stack) {
    Map<String, String> options = new HashMap<>(stack.index().jobOptions());
    options.put("kafka.bootstrap-servers", stack.kafka().bootstrapServers());
    options.put("s3.endpoint", stack.s3Endpoint());
    options.put("s3.access-key", ACCESS);
    options.put("s3.secret-key", SECRET);
    options.put("checkpoint.interval", "PT1S");
    // two slots per TaskManager on a 2-core machine: one inference thread and one decode thread per
    // slot
    options.put("onnx.intra-op-threads", "1");
    options.put("decode.threads", "1");
    List<String> args = new ArrayList<>();
    options.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
    return args;
  }

  /** The node leading {@code topic}'s {@code partition}. */
  private static int leaderOf(String bootstrap, String topic, int partition) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .get(partition)
          .leader()
          .id();
    }
  }

  /** The node leading the KRaft controller quorum. */
  private static int activeController(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.describeMetadataQuorum().quorumInfo().get().leaderId();
    }
  }

  /**
   * libjpeg-turbo for the TaskManagers when scripts/deps/turbojpeg.sh installed it (else the job
   * decodes with ImageIO).
   */
  private static Map<String, String> taskManagerEnv() {
    return CliJvm.turboJpeg()
        .map(lib -> Map.of("IMGSEARCH_TURBOJPEG_LIBRARY", lib.toString()))
        .orElse(Map.of());
  }

  /** Waits until the job is in a terminal state (FINISHED, CANCELED, FAILED) and returns it. */
  private static String awaitTerminal(FlinkRest rest, String jobId, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String state = rest.job(jobId).state();
    while (!List.of("FINISHED", "CANCELED", "FAILED").contains(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("job still " + state + " " + timeout + " after the stop");
      }
      Thread.sleep(50);
      state = rest.job(jobId).state();
    }
    return state;
  }

  /** Waits until the job has left RUNNING (the failover) and runs fully again. */
  private static void awaitRestartedAndRunning(FlinkRest rest, String jobId, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (rest.job(jobId).fullyRunning()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the job never noticed the lost TaskManager within " + timeout);
      }
      Thread.sleep(50);
    }
    rest.awaitFullyRunning(jobId, timeout);
  }

  /**
   * A subtask's metric once the REST API reports it (its metric store is refreshed every second),
   * at most 20 s.
   */
  private static String metric(FlinkRest rest, String jobId, String vertexId, String metric)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String value = rest.metric(jobId, vertexId, metric);
    while (value.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      value = rest.metric(jobId, vertexId, metric);
    }
    return value;
  }

  private static FlinkRest.Vertex vertex(FlinkRest rest, String jobId, String name)
      throws Exception {
    FlinkRest.JobStatus job = rest.job(jobId);
    return job.vertices().stream()
        .filter(v -> v.name().contains(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " vertex in " + job));
  }

  /**
   * The resource ids of the TaskManagers running the vector-store sink's subtasks, subtask 0 first:
   * one subtask for the embedded store's single writer, two (the job's parallelism) otherwise.
   */
  private static List<String> sinkTaskManagers(FlinkRest rest, String jobId, ClusterIndex index)
      throws Exception {
    FlinkRest.Vertex sink = vertex(rest, jobId, "vector-store");
    int parallelism = index.singleWriter() ? 1 : 2;
    assertThat(sink.parallelism()).as("the sink's parallelism").isEqualTo(parallelism);
    List<FlinkRest.Subtask> subtasks = rest.subtasks(jobId, sink.id());
    assertThat(subtasks).hasSize(parallelism);
    return subtasks.stream().map(FlinkRest.Subtask::taskManagerId).toList();
  }

  /**
   * Waits until the index holds at least {@code count} rows; a read that fails (the store not ready
   * yet) counts as not yet, the last failure is reported at the deadline.
   */
  private static void awaitIndexedAtLeast(ClusterIndex index, int count, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long indexed = 0;
    RuntimeException failure = null;
    while (true) {
      try {
        indexed = index.count();
        failure = null;
      } catch (RuntimeException e) {
        failure = e;
      }
      if (indexed >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        AssertionError error =
            new AssertionError(indexed + " indexed, not " + count + ", within " + timeout);
        if (failure != null) {
          error.initCause(failure);
        }
        throw error;
      }
      Thread.sleep(index.pollEvery().toMillis());
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
