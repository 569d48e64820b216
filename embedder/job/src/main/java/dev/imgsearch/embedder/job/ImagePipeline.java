package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.image.PerceptualHash;
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
 * The embedding stage without Flink: {@link #prepare} turns one record into a deletion, a missing object, a dead
 * letter or a decoded image (safe to run on several threads at once); {@link #complete} embeds the decoded images of a
 * batch in one model call and returns everything in the batch's order. Object-store outages are thrown (the job
 * restarts and retries); everything about the record, the object ({@link ObjectRejectedException}) or the image
 * itself becomes a dead letter.
 */
public final class ImagePipeline {
  /** Dead-letter reason when the model fails on an image (also alone), e.g. a non-finite or zero vector. */
  public static final String MODEL_ERROR = "model-error";
  /** Dead-letter reason for a value that is not an image event. */
  public static final String UNDECODABLE_EVENT = "undecodable-event";

  private final ObjectFetcher fetcher;
  private final OnnxImageEmbedder embedder;

  public ImagePipeline(ObjectFetcher fetcher, OnnxImageEmbedder embedder) {
    this.fetcher = fetcher;
    this.embedder = embedder;
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
   * A decoded, upright RGB image, already resized to the model input ({@link OnnxImageEmbedder#modelInput}) on the
   * preparing thread ({@code decodeNanos}: decode + pHash; the resize is not included).
   */
  public record Decoded(
      KafkaRecord record, ImageEvent event, BufferedImage image, long phash, long bytes, long fetchNanos,
      long decodeNanos) implements Prepared {}

  /** Parses, fetches, decodes, hashes and resizes one record. Thread-safe. */
  public Prepared prepare(KafkaRecord record) throws IOException {
    ImageEvent event;
    try {
      event = Topics.IMAGE_EVENTS.valueSerde().deserializer().deserialize(record.topic, record.value);
      if (event == null) {
        throw new SerializationException("null value (tombstone) on the image-events topic");
      }
    } catch (SerializationException e) {
      return new Rejected(Records.deadLetter(record, UNDECODABLE_EVENT, e, null));
    }
    String violation = fieldViolation(event);
    if (violation != null) {
      // before the fetch: such an event could never be stored, and a store rejecting it must not stall the sink
      return new Rejected(
          Records.deadLetter(record, FieldLimits.REASON, new IllegalArgumentException(violation), event.getImageId()));
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
      BufferedImage image = embedder.decoder().decode(bytes.get());
      long phash = PerceptualHash.of(image);
      long t2 = System.nanoTime();
      // resized here, on the decode threads, so the batch's model call only converts pixels to floats
      return new Decoded(record, event, embedder.modelInput(image), phash, bytes.get().length, t1 - t0, t2 - t1);
    } catch (ImageRejectedException e) {
      return new Rejected(Records.deadLetter(record, e.reason().code(), e, event.getImageId()));
    }
  }

  /**
   * Why the event's fields cannot be stored ({@link FieldLimits}: the id, and for a created image bucket, key, source
   * and tags), or null. A deletion only needs its id.
   */
  static String fieldViolation(ImageEvent event) {
    String v = FieldLimits.idViolation(event.getImageId());
    if (v != null || event.getType() == ImageEventType.DELETED) {
      return v;
    }
    return FieldLimits.violation(event.getBucket(), event.getKey(), event.getSource(), event.getTags());
  }

  /**
   * The outcome of a batch: the changes in arrival order (embeddings and deletions), the dead letters, and counts.
   */
  public record Completed(
      List<EmbeddingChange> changes, List<DeadLetter> deadLetters, int embedded, int deleted, int missing,
      int modelCalls, long inferenceNanos) {}

  /**
   * Embeds every {@link Decoded} of the batch in one model call. If the batched call fails, each image is retried
   * alone so that one bad image only rejects itself ({@value #MODEL_ERROR}).
   */
  public Completed complete(List<Prepared> batch) {
    List<BufferedImage> images = new ArrayList<>();
    for (Prepared p : batch) {
      if (p instanceof Decoded d) {
        images.add(d.image());
      }
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
    List<EmbeddingChange> changes = new ArrayList<>(batch.size());
    List<DeadLetter> deadLetters = new ArrayList<>();
    int embedded = 0;
    int deleted = 0;
    int missing = 0;
    int next = 0;
    for (Prepared p : batch) {
      if (p instanceof Decoded d) {
        float[] vector;
        if (vectors != null) {
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
        changes.add(Records.embedded(d.event(), vector, embedder.modelId(), d.phash()));
        embedded++;
      } else if (p instanceof Deleted del) {
        changes.add(del.change());
        deleted++;
      } else if (p instanceof Missing) {
        missing++;
      } else if (p instanceof Rejected r) {
        deadLetters.add(r.letter());
      }
    }
    return new Completed(changes, deadLetters, embedded, deleted, missing, calls, System.nanoTime() - t0);
  }
}
