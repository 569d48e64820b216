package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.detect.FrameDetector;
import dev.imgsearch.embedder.gate.Scene;
import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.gate.Scenes;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.TurboJpeg;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.schemas.DaemonThreads;
import dev.imgsearch.schemas.DeadLetter;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Image event → {@link EmbeddingChange}, in micro-batches: each record is fetched and decoded as it
 * arrives (on {@code decodeThreads} threads), and the batch goes through the model in one call when
 * {@code batchSize} records are there or {@code maxDelay} after the first one, whichever comes
 * first. A full batch waits for its model call until {@link #DECODE_AHEAD} images have arrived
 * after it (the next batch at batch size 16) or for its own {@code maxDelay} deadline, so the
 * decode threads work on the next images while the task thread runs the model: decoding and
 * inference overlap instead of taking turns, at any batch size. Batches are also flushed before
 * every checkpoint barrier and at end of input, so a checkpoint never covers a record that was not
 * emitted (at-least-once). Changes leave in arrival order. One ONNX Runtime session per parallel
 * instance (slot).
 *
 * <p>Rejected records go to {@link #DEAD_LETTERS} with their reason; objects deleted before the
 * fetch are counted ({@code objectsMissing}); object-store errors fail the task so Flink retries
 * from the last checkpoint.
 *
 * <p>Metrics (operator scope): {@code imagesEmbedded}, {@code imagesPerSecond}, {@code
 * imagesDeleted}, {@code objectsMissing}, {@code deadLetters} and {@code deadLetters} under group
 * {@code reason=<code>}, histograms {@code batchSize}, {@code fetchMillis}, {@code decodeMillis}
 * (per image), {@code inferenceMillis} (per batch); with {@link Config#detect()} on, counters
 * {@code objectsDetected}, {@code facesDetected}, {@code detectionFailures} (frames indexed without
 * their items, dead letter {@value ImagePipeline#DETECTION_FAILED}), {@code detectedItemsDropped}
 * (over the per-image limit) and histogram {@code detectMillis} (per batch: detectors and crop
 * vectors); gauges {@code jpegTurbo} (1 = JPEGs decoded by libjpeg-turbo, 0 = ImageIO), {@code
 * jpegTurboDecoded}, {@code jpegTurboFallbacks} (per JVM).
 *
 * <p>Scene-change gating ({@link Config#gate()} enabled): the operator must run on a stream keyed
 * by {@link SceneKey}; each source's current {@link Scene} is keyed state (checkpointed), frames
 * that show it are indexed with its representative's vector instead of going through the model
 * (counter {@code imagesGated}).
 */
public final class EmbedOperator extends AbstractStreamOperator<EmbeddingChange>
    implements OneInputStreamOperator<KafkaRecord, EmbeddingChange>, ProcessingTimeCallback {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  /**
   * Everything the operator needs; serializable, the model and clients are created on the task
   * manager.
   */
  public record Config(
      ObjectFetcher.Factory fetcher,
      String model,
      DecodeLimits limits,
      OnnxOptions onnx,
      int batchSize,
      Duration maxDelay,
      int decodeThreads,
      SceneGate.Settings gate,
      DetectSettings detect)
      implements Serializable {
    public Config {
      Objects.requireNonNull(gate, "gate");
      Objects.requireNonNull(detect, "detect");
      Objects.requireNonNull(fetcher, "fetcher");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(limits, "limits");
      Objects.requireNonNull(onnx, "onnx");
      Objects.requireNonNull(maxDelay, "maxDelay");
      checkBatching(batchSize, maxDelay, decodeThreads);
    }

    /** The bounds of {@code batch.size}, {@code batch.max-delay} and {@code decode.threads}. */
    static void checkBatching(int batchSize, Duration maxDelay, int decodeThreads) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch.size must be ≥ 1");
      }
      if (maxDelay.isNegative()) {
        throw new IllegalArgumentException("batch.max-delay must be ≥ 0");
      }
      if (decodeThreads < 1) {
        throw new IllegalArgumentException("decode.threads must be ≥ 1");
      }
    }
  }

  private final Config config;

  private transient OnnxImageEmbedder embedder;
  private transient FrameDetector detector;
  private transient Counter objectsDetected;
  private transient Counter facesDetected;
  private transient Counter detectionFailures;
  private transient Counter itemsDropped;
  private transient Histogram detectMillis;
  private transient ObjectFetcher fetcher;
  private transient ImagePipeline pipeline;
  private transient ExecutorService decodePool;
  private transient MicroBatch<Future<ImagePipeline.Prepared>> batch;

  /**
   * Images submitted for fetch and decode ahead of the oldest full batch's model call: full batches
   * wait, in arrival order, until at least this many images are behind them (or their own {@code
   * maxDelay} deadline), so that the decode threads stay busy while the task thread runs the model
   * and a late decode thread does not stall it, whatever the batch size. With {@code batch.size} 16
   * it is the one next batch.
   */
  static final int DECODE_AHEAD = 16;

  /** A full batch waiting for its model call, with its {@code maxDelay} deadline. */
  private record Held(List<Future<ImagePipeline.Prepared>> futures, long deadline) {}

  /** Full batches waiting for their model call, oldest first; {@link #heldImages}: their images. */
  private transient ArrayDeque<Held> ready;

  private transient int heldImages;
  private transient Counter embedded;
  private transient Counter deleted;
  private transient Counter missing;
  private transient Counter rejected;
  private transient Map<String, Counter> rejectedByReason;
  private transient Histogram batchSizes;
  private transient Histogram fetchMillis;
  private transient Histogram decodeMillis;
  private transient Histogram inferenceMillis;
  private transient Counter gated;
  private transient SceneGate gate;
  private transient Scenes scenes;

  public EmbedOperator(Config config) {
    this.config = config;
  }

  @Override
  public void open() throws Exception {
    super.open();
    embedder = OnnxImageEmbedder.load(config.model(), config.limits(), config.onnx());
    fetcher = config.fetcher().create();
    DetectSettings detect = config.detect();
    if (detect.mode().any()) {
      detector =
          FrameDetector.load(
              detect.mode(), detect.objectOptions(), detect.faceOptions(), config.onnx());
      LOG.info("fetch-decode-embed: detecting {} in every embedded frame", detect.mode());
    }
    pipeline = new ImagePipeline(fetcher, embedder, detector == null ? null : detector::detect);
    decodePool =
        Executors.newFixedThreadPool(
            config.decodeThreads(),
            DaemonThreads.named(
                "embedder-decode-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask()));
    batch = new MicroBatch<>(config.batchSize(), config.maxDelay());
    ready = new ArrayDeque<>();
    OperatorMetricGroup metrics = getMetricGroup();
    embedded = metrics.counter("imagesEmbedded");
    metrics.meter("imagesPerSecond", new MeterView(embedded));
    deleted = metrics.counter("imagesDeleted");
    missing = metrics.counter("objectsMissing");
    rejected = metrics.counter("deadLetters");
    rejectedByReason = new HashMap<>();
    batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
    fetchMillis = metrics.histogram("fetchMillis", new DescriptiveStatisticsHistogram(1000));
    decodeMillis = metrics.histogram("decodeMillis", new DescriptiveStatisticsHistogram(1000));
    inferenceMillis =
        metrics.histogram("inferenceMillis", new DescriptiveStatisticsHistogram(1000));
    // JPEG decoder in use (1 = libjpeg-turbo, 0 = ImageIO; the reason is logged once by TurboJpeg),
    // and per-JVM
    // counts of JPEGs it decoded / handed back to ImageIO (CMYK, warnings, errors)
    metrics.<Integer, Gauge<Integer>>gauge("jpegTurbo", () -> TurboJpeg.enabled() ? 1 : 0);
    metrics.<Long, Gauge<Long>>gauge("jpegTurboDecoded", TurboJpeg::decodedCount);
    metrics.<Long, Gauge<Long>>gauge("jpegTurboFallbacks", TurboJpeg::fallbackCount);
    LOG.info("fetch-decode-embed: JPEG decoding with {}", TurboJpeg.status());
    gated = metrics.counter("imagesGated");
    objectsDetected = metrics.counter("objectsDetected");
    facesDetected = metrics.counter("facesDetected");
    detectionFailures = metrics.counter("detectionFailures");
    itemsDropped = metrics.counter("detectedItemsDropped");
    detectMillis = metrics.histogram("detectMillis", new DescriptiveStatisticsHistogram(1000));
    gate = new SceneGate(config.gate());
    scenes = config.gate().enabled() ? keyedScenes() : Scenes.NONE;
  }

  /** Each source's scene in keyed state, under {@link SceneKey#ofSource}. */
  private Scenes keyedScenes() {
    if (getKeyedStateBackend() == null) {
      throw new IllegalStateException(
          "scene-change gating needs the operator on a stream keyed by SceneKey");
    }
    ValueState<Scene> state =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("scene", TypeInformation.of(Scene.class)));
    return new Scenes() {
      @Override
      public Scene get(String source) {
        setCurrentKey(SceneKey.ofSource(source));
        try {
          return state.value();
        } catch (IOException e) {
          throw new UncheckedIOException("reading the scene of " + source, e);
        }
      }

      @Override
      public void put(String source, Scene scene) {
        setCurrentKey(SceneKey.ofSource(source));
        try {
          state.update(scene);
        } catch (IOException e) {
          throw new UncheckedIOException("storing the scene of " + source, e);
        }
      }
    };
  }

  @Override
  public void processElement(StreamRecord<KafkaRecord> element) throws Exception {
    KafkaRecord record = element.getValue();
    Future<ImagePipeline.Prepared> prepared = decodePool.submit(() -> pipeline.prepare(record));
    long now = getProcessingTimeService().getCurrentProcessingTime();
    boolean full = batch.add(prepared, now);
    if (batch.startedWithLastAdd()) {
      getProcessingTimeService().registerTimer(batch.deadline(), this);
    }
    if (full) {
      // this batch waits while the next ones are decoded; the oldest go through the model once
      // DECODE_AHEAD images are behind them
      long deadline = batch.deadline();
      List<Future<ImagePipeline.Prepared>> futures = batch.drain();
      ready.addLast(new Held(futures, deadline));
      heldImages += futures.size();
      while (heldImages - ready.peekFirst().futures().size() >= DECODE_AHEAD) {
        completeOldest();
      }
    }
  }

  @Override
  public void onProcessingTime(long time) throws Exception {
    while (!ready.isEmpty() && time >= ready.peekFirst().deadline()) {
      completeOldest();
    }
    if (batch.isDue(time)) {
      flush();
    } // else: that batch was flushed already (full, or at a checkpoint); a newer batch has its own
    // timer
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  /** Everything held: the ready batches, then the current one, in arrival order. */
  private void flush() throws Exception {
    flushReady();
    if (!batch.isEmpty()) {
      complete(batch.drain());
    }
  }

  private void flushReady() throws Exception {
    while (!ready.isEmpty()) {
      completeOldest();
    }
  }

  private void completeOldest() throws Exception {
    Held held = ready.pollFirst();
    heldImages -= held.futures().size();
    complete(held.futures());
  }

  private void complete(List<Future<ImagePipeline.Prepared>> futures) throws Exception {
    List<ImagePipeline.Prepared> prepared = new ArrayList<>(futures.size());
    for (Future<ImagePipeline.Prepared> f : futures) {
      try {
        prepared.add(f.get());
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
          throw new UncheckedIOException(
              "object store failed; restarting from the last checkpoint", io);
        }
        throw e;
      }
    }
    ImagePipeline.Completed done = pipeline.complete(prepared, gate, scenes);
    for (ImagePipeline.Prepared p : prepared) {
      if (p instanceof ImagePipeline.Decoded d) {
        fetchMillis.update(TimeUnit.NANOSECONDS.toMillis(d.fetchNanos()));
        decodeMillis.update(TimeUnit.NANOSECONDS.toMillis(d.decodeNanos()));
      }
    }
    batchSizes.update(futures.size());
    if (done.modelCalls() > 0) {
      inferenceMillis.update(TimeUnit.NANOSECONDS.toMillis(done.inferenceNanos()));
    }
    embedded.inc(done.embedded());
    if (detector != null) {
      objectsDetected.inc(done.objects());
      facesDetected.inc(done.faces());
      detectionFailures.inc(done.detectionFailures());
      itemsDropped.inc(done.itemsDropped());
      detectMillis.update(TimeUnit.NANOSECONDS.toMillis(done.detectNanos()));
    }
    gated.inc(done.gated());
    deleted.inc(done.deleted());
    missing.inc(done.missing());
    for (EmbeddingChange change : done.changes()) {
      output.collect(new StreamRecord<>(change));
    }
    for (DeadLetter letter : done.deadLetters()) {
      rejected.inc();
      rejectedByReason
          .computeIfAbsent(
              letter.reason(), r -> getMetricGroup().addGroup("reason", r).counter("deadLetters"))
          .inc();
      output.collect(DEAD_LETTERS, new StreamRecord<>(letter));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      if (decodePool != null) {
        decodePool.shutdownNow();
      }
      if (embedder != null) {
        embedder.close();
      }
      if (detector != null) {
        detector.close();
      }
      if (fetcher != null) {
        fetcher.close();
      }
    } finally {
      super.close();
    }
  }
}
