package dev.imgsearch.embedder.job;

import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.avro.ImageEvent;

/** Pure mappings between the wire types and the index. */
public final class Records {
  public static final String STAGE = "embedder";

  private Records() {}

  /** The row to index for a created image; captured-at falls back to the event time. */
  public static VectorRecord toVectorRecord(ImageEvent e, float[] vector, String model) {
    long capturedAt = e.getCapturedAtMillis() != null ? e.getCapturedAtMillis() : e.getEventTimeMillis();
    return new VectorRecord(
        e.getImageId(), vector, e.getBucket(), e.getKey(), e.getSource(), capturedAt, e.getTags(), model);
  }

  public static DeadLetter deadLetter(KafkaRecord r, String reason, Throwable cause, String imageId) {
    return new DeadLetter(
        STAGE, reason, cause.getMessage(), cause.getClass().getName(), imageId, r.topic, r.partition, r.offset,
        r.key, r.value);
  }
}
