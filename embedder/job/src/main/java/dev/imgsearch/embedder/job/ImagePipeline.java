package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.gate.FrameSignature;
import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.gate.Scenes;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.FieldLimits;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The embedding stage without Flink: {@link #prepare} turns one record into a deletion, a missing
 * object, a dead letter or a decoded image (safe to run on several threads at once); {@link
 * #complete} embeds the decoded images of a batch in one model call and returns everything in the
 * batch's order. Object-store outages are thrown (the job restarts and retries); everything about
 * the record, the object ({@link ObjectRejectedException}) or the image itself becomes a dead
 * letter.
 */
public final class ImagePipeline {
  /**
   * Dead-letter reason when the model fails on an image (also alone), e.g. a non-finite or zero
   * vector.
   */
  public static final String MODEL_ERROR = "model-error";

  /** Dead-letter reason for a value that is not an image event. */
  public static final String UNDECODABLE_EVENT = "undecodable-event";

  /**
   * Dead-letter reason when detection, or an object's vector, failed on an image: the frame is
   * indexed without its objects and faces, the letter records the lost items.
   */
  public static final String DETECTION_FAILED = "detection-failed";

  private final ObjectFetcher fetcher;
  private final OnnxImageEmbedder embedder;
  private final FrameItems.Detector detector;
  private final ImageDecoder decoder;

  public ImagePipeline(ObjectFetcher fetcher, OnnxImageEmbedder embedder) {
    this(fetcher, embedder, null);
  }

  /**
   * With detection inside each frame ({@code detector}, e.g. {@link
   * dev.imgsearch.embedder.detect.FrameDetector#detect}; null: none).
   */
  ImagePipeline(ObjectFetcher fetcher, OnnxImageEmbedder embedder, FrameItems.Detector detector) {
    this.fetcher = fetcher;
    this.embedder = embedder;
    this.detector = detector;
    this.decoder =
        detector == null
            ? embedder.decoder()
            : new ImageDecoder(forDetection(embedder.decoder().limits()));
  }

  /**
   * The frame model's decode limits, but decoding (subsampling, DCT scaling) to at least {@value
   * FrameItems#DETECT_SHORTER_SIDE} px on the shorter side: the detectors see the frame at their
   * input size, not the frame model's 224.
   */
  static DecodeLimits forDetection(DecodeLimits l) {
    int target =
        l.targetShorterSide() == 0
            ? 0
            : Math.max(l.targetShorterSide(), FrameItems.DETECT_SHORTER_SIDE);
    return new DecodeLimits(
        l.maxBytes(), l.maxPixels(), target, l.maxRasterBytes(), l.maxAspectRatio());
  }

  /** One record after fetch and decode. */
  public sealed interface Prepared {}

  /** Routed to the dead-letter output. */
  public record Rejected(DeadLetter letter) implements Prepared {}

  /** The object was gone when fetched (deleted meanwhile): skipped and counted. */
  public record Missing(String imageId) implements Prepared {}

  /** A deletion event. */
  public record Deleted(EmbeddingChange change) implements Prepared {}

  /**
   * A decoded, upright RGB image, already resized to the model input ({@link
   * OnnxImageEmbedder#modelInput}) on the preparing thread ({@code decodeNanos}: decode + pHash;
   * the resize is not included). {@code signature}: pHash and 32×32 grey thumbnail, for
   * scene-change gating. {@code upright}: the decoded image before the resize, kept for detection
   * (null when detection is off).
   */
  public record Decoded(
      KafkaRecord record,
      ImageEvent event,
      BufferedImage image,
      long phash,
      long bytes,
      long fetchNanos,
      long decodeNanos,
      FrameSignature signature,
      BufferedImage upright)
      implements Prepared {}

  /** Parses, fetches, decodes, hashes and resizes one record. Thread-safe. */
  public Prepared prepare(KafkaRecord record) throws IOException {
    ImageEvent event;
    try {
      event =
          Topics.IMAGE_EVENTS.valueSerde().deserializer().deserialize(record.topic, record.value);
      if (event == null) {
        throw new SerializationException("null value (tombstone) on the image-events topic");
      }
    } catch (SerializationException e) {
      return new Rejected(Records.deadLetter(record, UNDECODABLE_EVENT, e, null));
    }
    String violation = fieldViolation(event);
    if (violation != null) {
      // before the fetch: such an event could never be stored, and a store rejecting it must not
      // stall the sink
      return new Rejected(
          Records.deadLetter(
              record,
              FieldLimits.REASON,
              new IllegalArgumentException(violation),
              event.getImageId()));
    }
    if (event.getType() == ImageEventType.DELETED) {
      return new Deleted(EmbeddingChange.deletion(event.getImageId(), event.getEventTimeMillis()));
    }
    long t0 = System.nanoTime();
    Optional<byte[]> bytes;
    try {
      bytes = fetcher.fetch(event.getBucket(), event.getKey(), event.getSize());
    } catch (ObjectRejectedException e) {
      return new Rejected(Records.deadLetter(record, e.reason(), e, event.getImageId()));
    }
    long t1 = System.nanoTime();
    if (bytes.isEmpty()) {
      return new Missing(event.getImageId());
    }
    try {
      BufferedImage image = decoder.decode(bytes.get());
      FrameSignature signature =
          FrameSignature.of(image); // its pHash is the image's PerceptualHash
      long t2 = System.nanoTime();
      // resized here, on the decode threads, so the batch's model call only converts pixels to
      // floats
      return new Decoded(
          record,
          event,
          embedder.modelInput(image),
          signature.phash(),
          bytes.get().length,
          t1 - t0,
          t2 - t1,
          signature,
          detector == null ? null : image);
    } catch (ImageRejectedException e) {
      return new Rejected(Records.deadLetter(record, e.reason().code(), e, event.getImageId()));
    }
  }

  /**
   * Why the event's fields cannot be stored ({@link FieldLimits}: the id, and for a created image
   * bucket, key, source and tags), or null. A deletion only needs its id.
   */
  static String fieldViolation(ImageEvent event) {
    String v = FieldLimits.idViolation(event.getImageId());
    if (v != null || event.getType() == ImageEventType.DELETED) {
      return v;
    }
    return FieldLimits.violation(
        event.getBucket(), event.getKey(), event.getSource(), event.getTags());
  }

  /**
   * The outcome of a batch: the changes in arrival order (embeddings and deletions), the dead
   * letters, and counts ({@code gated}: frames indexed with their scene's vector instead of going
   * through the model; {@code objects}, {@code faces}: items attached; {@code detectionFailures}:
   * frames indexed without their items; {@code itemsDropped}: detections over {@link
   * dev.imgsearch.schemas.FieldLimits#MAX_ITEMS}; {@code detectNanos}: detection and crop vectors
   * of the batch).
   */
  public record Completed(
      List<EmbeddingChange> changes,
      List<DeadLetter> deadLetters,
      int embedded,
      int deleted,
      int missing,
      int modelCalls,
      long inferenceNanos,
      int gated,
      int objects,
      int faces,
      int detectionFailures,
      int itemsDropped,
      long detectNanos) {}

  /**
   * Embeds every {@link Decoded} of the batch in one model call. If the batched call fails, each
   * image is retried alone so that one bad image only rejects itself ({@value #MODEL_ERROR}).
   */
  public Completed complete(List<Prepared> batch) {
    return complete(batch, new SceneGate(SceneGate.Settings.OFF), Scenes.NONE);
  }

  /**
   * As {@link #complete(List)}, with scene-change gating: a frame of a gated source that shows the
   * scene of its source's representative ({@code scenes}, updated here) is not embedded but indexed
   * with the representative's vector, id and start time. If the model fails on a representative,
   * the frames of its scene are embedded alone. With detection, every frame that goes through the
   * model also gets its objects and faces ({@link FrameItems}); a gated frame gets none (they stay
   * with its scene's representative: the scene state holds the vector only).
   */
  public Completed complete(List<Prepared> batch, SceneGate gate, Scenes scenes) {
    SceneBatch gating = new SceneBatch(gate, scenes, embedder.modelId());
    List<SceneBatch.Plan> plans = new ArrayList<>(batch.size());
    List<BufferedImage> images = new ArrayList<>();
    List<BufferedImage> uprights = new ArrayList<>();
    for (Prepared p : batch) {
      SceneBatch.Plan plan = null;
      if (p instanceof Decoded d) {
        plan =
            gating.decide(
                d.event().getSource(),
                d.signature(),
                Records.capturedAt(d.event()),
                d.event().getImageId());
        if (!plan.reusesVector()) {
          images.add(d.image());
          if (detector != null) {
            uprights.add(d.upright());
          }
        }
      }
      plans.add(plan);
    }
    long t0 = System.nanoTime();
    int calls = 0;
    List<float[]> vectors = null;
    if (!images.isEmpty()) {
      calls++;
      try {
        vectors = embedder.embedModelInputs(images);
      } catch (RuntimeException batchFailure) {
        vectors = null; // retried one by one below
      }
    }
    FrameItems.Batch items =
        detector == null ? null : FrameItems.detect(detector, embedder, uprights);
    List<EmbeddingChange> changes = new ArrayList<>(batch.size());
    List<DeadLetter> deadLetters = new ArrayList<>();
    int embedded = 0;
    int deleted = 0;
    int missing = 0;
    int gated = 0;
    int next = 0;
    int slot = 0; // among the frames that went through the model (and the detector)
    int[] detected = new int[4]; // objects, faces, failures, dropped
    for (int i = 0; i < batch.size(); i++) {
      Prepared p = batch.get(i);
      SceneBatch.Plan plan = plans.get(i);
      if (p instanceof Decoded d && plan.reusesVector() && plan.scene().vector != null) {
        changes.add(
            Records.gated(
                d.event(),
                plan.scene().vector,
                embedder.modelId(),
                d.phash(),
                plan.scene().representativeId,
                // a frame that arrived after a newer one of its scene: the scene began no later
                Math.min(plan.scene().startMillis, Records.capturedAt(d.event()))));
        gated++;
      } else if (p instanceof Decoded d) {
        FrameItems.Outcome outcome =
            items == null || plan.reusesVector() ? null : items.outcomes().get(slot++);
        float[] vector;
        if (vectors != null && !plan.reusesVector()) {
          vector = vectors.get(next++);
        } else {
          try {
            calls++;
            vector = embedder.embedModelInputs(List.of(d.image())).get(0);
          } catch (RuntimeException e) {
            deadLetters.add(Records.deadLetter(d.record(), MODEL_ERROR, e, d.event().getImageId()));
            continue;
          }
        }
        EmbeddingChange change = Records.embedded(d.event(), vector, embedder.modelId(), d.phash());
        attach(change, outcome, d, deadLetters, detected);
        changes.add(change);
        embedded++;
        if (plan.startsScene()) {
          plan.scene().vector = vector;
        }
      } else if (p instanceof Deleted del) {
        changes.add(del.change());
        deleted++;
      } else if (p instanceof Missing) {
        missing++;
      } else if (p instanceof Rejected r) {
        deadLetters.add(r.letter());
      }
    }
    gating.commit();
    long detectNanos = items == null ? 0 : items.nanos();
    return new Completed(
        changes,
        deadLetters,
        embedded,
        deleted,
        missing,
        calls + (items == null ? 0 : items.modelCalls()),
        System.nanoTime() - t0 - detectNanos,
        gated,
        detected[0],
        detected[1],
        detected[2],
        detected[3],
        detectNanos);
  }

  /**
   * The frame's items onto its change, or a {@value #DETECTION_FAILED} letter for them (the frame
   * stays).
   */
  private static void attach(
      EmbeddingChange change,
      FrameItems.Outcome outcome,
      Decoded d,
      List<DeadLetter> deadLetters,
      int[] counts) {
    if (outcome == null) {
      return;
    }
    if (outcome.failure() != null) {
      deadLetters.add(
          Records.deadLetter(
              d.record(), DETECTION_FAILED, outcome.failure(), d.event().getImageId()));
      counts[2]++;
      return;
    }
    change.items = outcome.items().items();
    counts[0] += outcome.items().objects();
    counts[1] += outcome.items().faces();
    counts[3] += outcome.items().dropped();
  }
}
