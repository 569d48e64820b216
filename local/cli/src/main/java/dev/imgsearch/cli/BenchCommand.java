package dev.imgsearch.cli;

import dev.imgsearch.cli.bench.BenchOptions;
import dev.imgsearch.cli.bench.BenchRun;
import dev.imgsearch.cli.camera.CameraOptions;
import dev.imgsearch.cli.camera.CameraRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imgsearch bench}: starts a local stack on free ports in a scratch directory and measures
 * the whole pipeline: upload→searchable latency at a fixed upload rate, ingest throughput at
 * saturation, query latency, recall@10 of the store against exact search over the embeddings topic,
 * and peak memory per process. This class parses the options; {@link BenchRun} runs the phases.
 * With {@code --camera DIR}, {@link CameraRun} instead replays real camera footage as raw frames.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark the whole pipeline on a fresh local stack: freshness, throughput, query latency, recall@10, memory.")
final class BenchCommand implements Callable<Integer> {
  @Mixin StoreOptions store;

  @Option(
      names = "--rate",
      defaultValue = "20",
      description = "Upload rate of the freshness phase, images/s (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--seconds",
      defaultValue = "30",
      description = "Length of the freshness phase (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--burst",
      defaultValue = "300",
      description = "Images uploaded at once for the throughput phase (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(
      names = "--burst-uploaders",
      defaultValue = "16",
      description = "Parallel S3 clients of the throughput phase (default: ${DEFAULT-VALUE}).")
  int burstUploaders;

  @Option(
      names = "--sweep-interval",
      defaultValue = "PT0.02S",
      description =
          "Pause between two freshness sweeps (one batched search over all pending images), ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration sweepInterval;

  /** How the freshness phase confirms that an image became searchable. */
  enum FreshnessCheck {
    search,
    lookup
  }

  @Option(
      names = "--freshness-check",
      defaultValue = "search",
      description =
          "search: one source-filtered POST /v1/search/vector per ≤ 64 pending images per sweep (an image counts once a search returns it); lookup: concurrent GET /v1/images/{id} for all pending (default: ${DEFAULT-VALUE}).")
  FreshnessCheck freshnessCheck;

  private boolean lookupCheck() {
    return freshnessCheck == FreshnessCheck.lookup;
  }

  @Option(
      names = "--milvus-consistency",
      description =
          "Milvus consistency level of the query API's reads (and the sink's): STRONG, SESSION, BOUNDED or EVENTUALLY (default: the local stack's, "
              + LocalStack.DEFAULT_MILVUS_CONSISTENCY
              + ").")
  String milvusConsistency;

  @Option(
      names = "--warm-up-seconds",
      defaultValue = "10",
      description =
          "Paced warm-up at --rate before the freshness phase, not measured (default: ${DEFAULT-VALUE}).")
  int warmUpSeconds;

  @Option(
      names = "--queries",
      defaultValue = "200",
      description = "Queries of each kind (default: ${DEFAULT-VALUE}).")
  int queries;

  @Option(
      names = "--width",
      defaultValue = "640",
      description = "Image width (default: ${DEFAULT-VALUE}; 640×480 = 0.3 MP).")
  int width;

  @Option(
      names = "--height",
      defaultValue = "480",
      description = "Image height (default: ${DEFAULT-VALUE}).")
  int height;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "PT0.2S",
      description =
          "Flink checkpoint interval, ISO-8601; the embedded store's writes become visible on checkpoints (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(
      names = "--embedder-option",
      description =
          "Extra embedder option NAME=VALUE (e.g. sink.batch=64, batch.max-delay=PT0.02S, milvus.consistency=STRONG); repeatable.")
  Map<String, String> embedderOptions = new LinkedHashMap<>();

  @Option(
      names = "--data-dir",
      description =
          "Scratch directory, kept afterwards (default: a new temporary directory, removed afterwards).")
  Path dataDir;

  @Option(
      names = "--markdown",
      description = "Also append the result table (with date and load average) to this file.")
  Path markdown;

  @Option(
      names = "--watches",
      defaultValue = "0",
      description =
          "Active watches (standing queries) during the run: N−1 frame watches that match nothing and one that matches every image; the freshness phase then also measures upload→alert on the SSE stream (default: ${DEFAULT-VALUE}, none).")
  int watches;

  @Option(
      names = "--cluster",
      description =
          "Measure the multi-process stack of `imgsearch local --cluster` (3 Kafka nodes, a Flink session cluster"
              + " with 2 TaskManagers, the query API in its own JVM): the table then also gives the Flink job's own"
              + " CPU per image, the figure `imgsearch plan` sizes TaskManagers with.")
  boolean cluster;

  @Mixin ClusterParallelism clusterParallelism;

  @Option(
      names = "--camera",
      description =
          "Camera replay instead of the phases: publish the JPEG frames of DIR (file-name order, e.g. ffmpeg -i vtest.avi DIR/%%04d.jpg) as raw frames at --fps per camera, scene-change gating on; report frames embedded/gated, publish→searchable lag, CPU; check every frame is findable by time (and, with --people, search by frames with people).")
  Path camera;

  @Option(
      names = "--fps",
      defaultValue = "25",
      description = "Camera replay: frames per second of each camera (default: ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--cameras",
      defaultValue = "1",
      description =
          "Camera replay: cameras replaying the same footage at once, sources cam-1, cam-2, … (default: ${DEFAULT-VALUE}).")
  int cameras;

  @Option(
      names = "--people",
      description =
          "Camera replay: hand-labelled people per frame (frame,x,y lines, e.g. embedder/core/src/test/resources/vtest/persons.csv); each labelled frame in DIR is a search query whose hits must lie within ±20 frames of it.")
  Path people;

  @Option(
      names = "--min-people-share",
      defaultValue = "0.5",
      description =
          "Camera replay: least share of those hits within the span for the check to pass (default: ${DEFAULT-VALUE}).")
  double minPeopleShare;

  @Override
  public Integer call() throws Exception {
    clusterParallelism.check(cluster);
    int parallelism = clusterParallelism.parallelism;
    if (cluster && (camera != null || watches > 0)) {
      throw new IllegalArgumentException(
          "--cluster goes with the bench's phases, not with --camera or --watches (they read the one-JVM stack's job metrics)");
    }
    if (camera != null) {
      return new CameraRun(cameraOptions()).run();
    }
    if (store.needsBundledMilvus()) {
      StoreOptions.requireMilvusInstalled();
    }
    return cluster
        ? new BenchRun(
                options(),
                (settings, overrides) -> ClusterStack.start(settings, overrides, parallelism),
                "cluster (job parallelism " + parallelism + ")")
            .run()
        : new BenchRun(options(), LocalStack::start, "one JVM").run();
  }

  /** The parsed options as the bench's parameter object. */
  BenchOptions options() {
    return new BenchOptions(
        store.vectorStore.name(),
        store.milvusUri,
        rate,
        seconds,
        burst,
        burstUploaders,
        sweepInterval,
        lookupCheck(),
        milvusConsistency,
        warmUpSeconds,
        queries,
        width,
        height,
        checkpointInterval,
        embedderOptions,
        dataDir,
        markdown,
        watches);
  }

  /** The parsed options of the camera replay ({@code --camera}). */
  CameraOptions cameraOptions() {
    return new CameraOptions(
        camera,
        fps,
        cameras,
        people,
        minPeopleShare,
        store.vectorStore.name(),
        store.milvusUri,
        checkpointInterval,
        sweepInterval,
        embedderOptions,
        dataDir,
        markdown);
  }
}
