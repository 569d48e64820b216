package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.deadLetterCount;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.ingest.IngestApp;
import dev.imgsearch.ingest.IngestSettings;
import dev.imgsearch.local.servers.FlinkCluster;
import dev.imgsearch.local.servers.FlinkRest;
import dev.imgsearch.local.servers.KafkaCluster;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.schemas.Topics;
import io.minio.MinioClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedder job on a real multi-process Flink standalone session cluster ({@link FlinkCluster}:
 * a JobManager and two TaskManagers, separate JVMs), submitted as the shaded job jar through the
 * REST API, parallelism 2, embedded (Lucene) store — the whole path of native libraries (ONNX
 * Runtime, libjpeg-turbo) through Flink's user-code class loader. Kafka is a 3-node KRaft cluster
 * ({@link KafkaCluster}: replication factor 3, min.insync.replicas 2). Images are uploaded through
 * the S3 API (S3 server → notifications → ingest-stream → image events); mid-stream the TaskManager
 * running the vector-store sink is killed with SIGKILL; the job restarts on the other TaskManager's
 * spare slots and the index ends holding exactly the uploaded images, each once. Then, on the same
 * stack, one Kafka node is shut down mid-stream for 8 s ({@link #kafkaNodeStoppedMidStream}): again
 * nothing lost or duplicated. Last, the upgrade path of the Kubernetes operator ({@link
 * #savepointUpgrade}): the job is stopped with a savepoint mid-stream, more images arrive while it
 * is down, and the job jar, uploaded again as the new build, starts from the savepoint with {@code
 * allowNonRestoredState=false} (every operator's state maps to an operator uid of the new graph);
 * the index ends holding all three batches, each once.
 *
 * <p>The Lucene directory is on this machine's disk, which both TaskManagers reach: the sink (one
 * subtask, the store's single writer) reopens it wherever it restarts — the stand-in for a volume
 * that follows the writer in a real deployment. Needs the job jar and the cluster's classpath:
 * {@code ./mvnw -pl local/flink-lib,local/s3-server,local/cli -am verify -Pfaults
 * -Dit.test=FlinkClusterFaultIT}.
 */
class FlinkClusterFaultIT {
  private static final String BUCKET = "images";
  private static final String ACCESS = "imgsearch";
  private static final String SECRET = "imgsearch-secret";
  private static final int IMAGES = 100;
  private static final String PREFIX = "cluster-fault/";

  @TempDir Path dir;

  @Test
  void taskManagerKilledThenKafkaNodeStoppedThenSavepointUpgradeLoseAndDuplicateNothing()
      throws Exception {
    try (KafkaCluster broker = KafkaCluster.start(dir.resolve("kafka"), 3)) {
      broker.createTopics(
          2, Topics.NOTIFICATIONS.name(), Topics.IMAGE_EVENTS.name(), Topics.DEAD_LETTERS.name());
      try (S3ServerProcess s3 =
              S3ServerProcess.start(
                  dir.resolve("s3"),
                  0,
                  ACCESS,
                  SECRET,
                  broker.bootstrapServers(),
                  Topics.NOTIFICATIONS.name(),
                  BUCKET);
          IngestApp ingest =
              new IngestApp(
                      IngestSettings.fromMap(
                          Map.of(
                              "kafka.bootstrap-servers",
                              broker.bootstrapServers(),
                              "state.dir",
                              dir.resolve("ingest-state").toString(),
                              "metrics.port",
                              "-1")))
                  .start()) {
        long t0 = System.nanoTime();
        try (FlinkCluster flink = FlinkCluster.start(dir.resolve("flink"), 2, taskManagerEnv())) {
          double clusterSeconds = seconds(t0);
          FlinkRest rest = flink.rest();
          Path store = dir.resolve("vectors");
          long t1 = System.nanoTime();
          String jobId =
              rest.runJar(
                  rest.uploadJar(jobJar()),
                  "dev.imgsearch.embedder.job.EmbedderJob",
                  2,
                  jobArgs(broker.bootstrapServers(), s3.endpoint(), store));
          awaitFullyRunning(rest, jobId, Duration.ofMinutes(3));
          double submitSeconds = seconds(t1);

          MinioClient client =
              MinioClient.builder()
                  .endpoint(s3.endpoint())
                  .region("us-east-1")
                  .credentials(ACCESS, SECRET)
                  .build();
          Set<String> uploaded = ConcurrentHashMap.newKeySet();
          // a camera at ≈ 10 images/s, before, during and after the kill
          FaultCamera camera =
              FaultCamera.start(uploaded, (key, seed) -> put(client, key, seed), PREFIX, 0, IMAGES);
          Path index = store.resolve(LocalStack.COLLECTION);
          awaitIndexedAtLeast(index, IMAGES / 10, Duration.ofMinutes(3));
          String embedVertex = vertex(rest, jobId, "fetch-decode-embed").id();
          String turboBefore = metric(rest, jobId, embedVertex, "0.fetch-decode-embed.jpegTurbo");
          String victim = sinkTaskManager(rest, jobId);
          int indexedAtKill = indexedIds(index).size();
          int uploadedAtKill = uploaded.size();
          long kill = System.nanoTime();
          flink.killTaskManager(victim);
          awaitRestartedAndRunning(rest, jobId, Duration.ofMinutes(3));
          double recoverySeconds = seconds(kill);
          String newHome = sinkTaskManager(rest, jobId);
          camera.awaitDone(Duration.ofMinutes(3));
          awaitIndexedAtLeast(index, IMAGES, Duration.ofMinutes(4));
          // both embed subtasks now run in the surviving TaskManager, one of them in a class loader
          // new to that JVM
          List<String> turboAfter =
              List.of(
                  metric(rest, jobId, embedVertex, "0.fetch-decode-embed.jpegTurbo"),
                  metric(rest, jobId, embedVertex, "1.fetch-decode-embed.jpegTurbo"));
          double allIndexedSeconds = seconds(kill);
          flink.startTaskManager(victim);
          flink.awaitTaskManagers(2, Duration.ofMinutes(2));
          Thread.sleep(3_000); // a few more checkpoints: a late duplicate would show
          List<String> ids = indexedIds(index);
          int deadLetters = deadLetterCount(broker.bootstrapServers());
          System.out.printf(
              "FAULT flink-tm-kill: cluster up in %.1f s, job submitted and running in %.1f s; killed %s (the"
                  + " sink's TaskManager) with %d uploaded, %d indexed of %d; job running again on %s %.1f s after the kill,"
                  + " all indexed %.1f s after it; index %d documents, %d distinct, dead letters %d; libjpeg-turbo gauge"
                  + " before %s, after %s%n",
              clusterSeconds,
              submitSeconds,
              victim,
              uploadedAtKill,
              indexedAtKill,
              IMAGES,
              newHome,
              recoverySeconds,
              allIndexedSeconds,
              ids.size(),
              new HashSet<>(ids).size(),
              deadLetters,
              turboBefore,
              turboAfter);
          assertThat(uploadedAtKill).as("uploads go on after the kill").isLessThan(IMAGES);
          assertThat(indexedAtKill).as("the kill must hit the stream mid-way").isLessThan(IMAGES);
          if (!taskManagerEnv()
              .isEmpty()) { // the JNI library loads through Flink's user-code class loader, also
            // after the failover
            assertThat(turboBefore).isEqualTo("1");
            assertThat(turboAfter).containsOnly("1");
          }
          assertThat(newHome)
              .as("the sink moved to the surviving TaskManager")
              .isNotEqualTo(victim);
          assertThat(ids).as("no duplicates").doesNotHaveDuplicates();
          assertThat(new HashSet<>(ids)).as("exactly the uploaded images").isEqualTo(uploaded);
          assertThat(deadLetters).isZero();

          kafkaNodeStoppedMidStream(broker, client, index, uploaded);
          assertThat(rest.job(jobId).state()).isEqualTo("RUNNING");
          String upgraded =
              savepointUpgrade(
                  rest,
                  jobId,
                  jobArgs(broker.bootstrapServers(), s3.endpoint(), store),
                  client,
                  index,
                  uploaded,
                  broker.bootstrapServers());
          rest.cancel(upgraded);
        }
      }
    }
  }

  /**
   * Second fault on the same stack: 100 more uploads at ≈ 10/s; after 2 s one Kafka node (of 3) is
   * shut down for 8 s (in-process nodes: a clean shutdown, leadership moves, not a crash); PUTs may
   * block while the S3 server's notification waits for the new partition leader. The index ends
   * holding both batches, each image once.
   */
  private static void kafkaNodeStoppedMidStream(
      KafkaCluster kafka, MinioClient client, Path index, Set<String> uploaded) throws Exception {
    FaultCamera camera =
        FaultCamera.start(
            uploaded, (key, seed) -> put(client, key, seed), PREFIX, IMAGES, 2 * IMAGES);
    Thread.sleep(2_000);
    int uploadedAtStop = uploaded.size();
    long stop = System.nanoTime();
    kafka.stopNode(1);
    double stopSeconds = seconds(stop);
    Thread.sleep(8_000);
    kafka.startNode(1);
    double downSeconds = seconds(stop);
    camera.awaitDone(Duration.ofMinutes(3));
    awaitIndexedAtLeast(index, 2 * IMAGES, Duration.ofMinutes(4));
    double allIndexedSeconds = seconds(stop);
    Thread.sleep(3_000);
    List<String> ids = indexedIds(index);
    int deadLetters = deadLetterCount(kafka.bootstrapServers());
    System.out.printf(
        "FAULT kafka-node-stop: node 1 of 3 shut down (took %.1f s) after %d of %d uploads, back %.1f s"
            + " after the stop; longest PUT %d ms; all indexed %.1f s after the stop; index %d documents, %d distinct,"
            + " dead letters %d%n",
        stopSeconds,
        uploadedAtStop,
        2 * IMAGES,
        downSeconds,
        camera.longestPutMs(),
        allIndexedSeconds,
        ids.size(),
        new HashSet<>(ids).size(),
        deadLetters);
    assertThat(uploadedAtStop).as("the stop must hit the stream mid-way").isLessThan(2 * IMAGES);
    assertThat(ids).as("no duplicates").doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).as("exactly the uploaded images").isEqualTo(uploaded);
    assertThat(deadLetters).isZero();
  }

  /**
   * Third phase on the same stack: 100 more uploads at ≈ 10/s; once 10 of them are indexed the job
   * is stopped with a savepoint; the rest arrive while no job runs; the jar is uploaded again (the
   * "new build") and run from the savepoint with {@code allowNonRestoredState=false}. Returns the
   * new job's id.
   */
  private String savepointUpgrade(
      FlinkRest rest,
      String jobId,
      List<String> args,
      MinioClient client,
      Path index,
      Set<String> uploaded,
      String bootstrap)
      throws Exception {
    FaultCamera camera =
        FaultCamera.start(
            uploaded, (key, seed) -> put(client, key, seed), PREFIX, 2 * IMAGES, 3 * IMAGES);
    awaitIndexedAtLeast(index, 2 * IMAGES + 10, Duration.ofMinutes(2));
    int uploadedAtStop = uploaded.size();
    long stop = System.nanoTime();
    String savepoint =
        rest.stopWithSavepoint(
            jobId, dir.resolve("savepoints").toUri().toString(), Duration.ofMinutes(2));
    double savepointSeconds = seconds(stop);
    String stoppedState =
        awaitTerminal(
            rest, jobId, Duration.ofMinutes(1)); // the savepoint completes before the job ends
    double stoppedSeconds = seconds(stop);
    camera.awaitDone(Duration.ofMinutes(3));
    int indexedWhileDown = indexedIds(index).size();
    long start = System.nanoTime();
    String upgraded =
        rest.runJar(
            rest.uploadJar(jobJar()), "dev.imgsearch.embedder.job.EmbedderJob", 2, args, savepoint);
    awaitFullyRunning(rest, upgraded, Duration.ofMinutes(3));
    double restartSeconds = seconds(start);
    String restoredFrom = rest.restoredFrom(upgraded);
    awaitIndexedAtLeast(index, 3 * IMAGES, Duration.ofMinutes(4));
    double allIndexedSeconds = seconds(start);
    Thread.sleep(3_000);
    List<String> ids = indexedIds(index);
    int deadLetters = deadLetterCount(bootstrap);
    System.out.printf(
        "FAULT savepoint-upgrade: stop-with-savepoint after %d of %d uploads took %.1f s, job %s %.1f s after the stop; %d"
            + " indexed while no job ran; new build submitted and running from the savepoint in %.1f s, all indexed %.1f s"
            + " after the submit; index %d documents, %d distinct, dead letters %d%n",
        uploadedAtStop,
        3 * IMAGES,
        savepointSeconds,
        stoppedState,
        stoppedSeconds,
        indexedWhileDown,
        restartSeconds,
        allIndexedSeconds,
        ids.size(),
        new HashSet<>(ids).size(),
        deadLetters);
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
    assertThat(ids).as("no duplicates").doesNotHaveDuplicates();
    assertThat(new HashSet<>(ids)).as("exactly the uploaded images").isEqualTo(uploaded);
    assertThat(deadLetters).isZero();
    return upgraded;
  }

  private static List<String> jobArgs(String bootstrap, String s3, Path store) {
    Map<String, String> options = new HashMap<>();
    options.put("kafka.bootstrap-servers", bootstrap);
    options.put("s3.endpoint", s3);
    options.put("s3.access-key", ACCESS);
    options.put("s3.secret-key", SECRET);
    options.put("checkpoint.interval", "PT1S");
    options.put("store.kind", "embedded");
    options.put("store.path", store.toString());
    options.put("store.collection", LocalStack.COLLECTION);
    // two slots per TaskManager on a 2-core machine: one inference thread and one decode thread per
    // slot
    options.put("onnx.intra-op-threads", "1");
    options.put("decode.threads", "1");
    List<String> args = new ArrayList<>();
    options.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
    return args;
  }

  /**
   * libjpeg-turbo for the TaskManagers when scripts/deps/turbojpeg.sh installed it (else the job
   * decodes with ImageIO).
   */
  private static Map<String, String> taskManagerEnv() {
    Path lib = repoRoot().resolve(".tools/turbojpeg/lib/libturbojpeg.so.0");
    return Files.isRegularFile(lib)
        ? Map.of("IMGSEARCH_TURBOJPEG_LIBRARY", lib.toString())
        : Map.of();
  }

  private static Path jobJar() throws IOException {
    Path target = repoRoot().resolve("embedder/job/target");
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith("-job.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "no shaded job jar in "
                          + target
                          + "; run ./mvnw -pl embedder/job -am package"));
    }
  }

  private static Path repoRoot() {
    return Path.of(System.getProperty("imgsearch.repo.root", "../.."));
  }

  private static void awaitFullyRunning(FlinkRest rest, String jobId, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!rest.job(jobId).fullyRunning()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "job not running within "
                + timeout
                + ": "
                + rest.job(jobId)
                + "\n"
                + rest.rootException(jobId));
      }
      Thread.sleep(200);
    }
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
    awaitFullyRunning(rest, jobId, timeout);
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

  /** The resource id of the TaskManager running the vector-store sink (one subtask). */
  private static String sinkTaskManager(FlinkRest rest, String jobId) throws Exception {
    FlinkRest.Vertex sink = vertex(rest, jobId, "vector-store");
    assertThat(sink.parallelism()).as("the embedded store's single writer").isEqualTo(1);
    List<FlinkRest.Subtask> subtasks = rest.subtasks(jobId, sink.id());
    assertThat(subtasks).hasSize(1);
    return subtasks.get(0).taskManagerId();
  }

  private static void awaitIndexedAtLeast(Path index, int count, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (indexedIds(index).size() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            indexedIds(index).size() + " indexed, not " + count + ", within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /**
   * The ids of the live documents of the last commit of the Lucene index, read without its write
   * lock (the writer is a TaskManager); one entry per document, so a duplicate would show twice.
   */
  private static List<String> indexedIds(Path index) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      if (!Files.exists(index)) {
        return List.of();
      }
      try (FSDirectory directory = FSDirectory.open(index)) {
        if (!DirectoryReader.indexExists(directory)) {
          return List.of();
        }
        try (DirectoryReader reader = DirectoryReader.open(directory)) {
          List<String> ids = new ArrayList<>();
          for (LeafReaderContext leaf : reader.leaves()) {
            LeafReader r = leaf.reader();
            Bits live = r.getLiveDocs();
            for (int doc = 0; doc < r.maxDoc(); doc++) {
              if (live == null || live.get(doc)) {
                ids.add(r.storedFields().document(doc).get(CollectionSpec.FIELD_ID));
              }
            }
          }
          return ids;
        }
      } catch (IOException commitReplacedWhileOpening) {
        if (attempt >= 20) {
          throw new IllegalStateException("cannot read " + index, commitReplacedWhileOpening);
        }
        Thread.sleep(50);
      }
    }
  }

  private static String put(MinioClient s3, String key, long seed) throws Exception {
    return FaultCamera.putJpeg(s3, BUCKET, key, seed, "cluster-faults");
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
