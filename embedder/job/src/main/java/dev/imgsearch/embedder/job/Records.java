package dev.imgsearch.embedder.job;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.indexer.store.SceneRef;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import dev.imgsearch.schemas.avro.ImageEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Pure mappings between the wire types, the stage's output and the index. */
public final class Records {
  public static final String STAGE = "embedder";

  private Records() {}

  /** Captured-at falls back to the event time. */
  static long capturedAt(ImageEvent e) {
    return e.getCapturedAtMillis() != null ? e.getCapturedAtMillis() : e.getEventTimeMillis();
  }

  /** The row to index for a created image. */
  public static VectorRecord toVectorRecord(ImageEvent e, float[] vector, String model) {
    return new VectorRecord(
        e.getImageId(),
        vector,
        e.getBucket(),
        e.getKey(),
        e.getSource(),
        capturedAt(e),
        e.getTags(),
        model);
  }

  /** The stage output for a created image. */
  public static EmbeddingChange embedded(ImageEvent e, float[] vector, String model, Long phash) {
    EmbeddingChange c = new EmbeddingChange();
    c.imageId = e.getImageId();
    c.vector = vector;
    c.bucket = e.getBucket();
    c.key = e.getKey();
    c.source = e.getSource();
    c.capturedAtMillis = capturedAt(e);
    c.tags = e.getTags() == null ? new String[0] : e.getTags().toArray(String[]::new);
    c.model = model;
    c.eventTimeMillis = e.getEventTimeMillis();
    c.phash = phash;
    return c;
  }

  /**
   * The stage output for a frame of a scene whose representative was embedded already (its vector
   * is reused).
   */
  public static EmbeddingChange gated(
      ImageEvent e,
      float[] vector,
      String model,
      Long phash,
      String representativeId,
      long sceneStartMillis) {
    EmbeddingChange c = embedded(e, vector, model, phash);
    c.representativeId = representativeId;
    c.sceneStartMillis = sceneStartMillis;
    return c;
  }

  /** The index change: delete, or upsert of the vector, its metadata and its perceptual hash. */
  public static IndexAction toIndexAction(EmbeddingChange c) {
    if (c.deleted) {
      return IndexAction.delete(c.imageId, c.eventTimeMillis);
    }
    return IndexAction.upsert(
        new VectorRecord(
            c.imageId,
            c.vector,
            c.bucket,
            c.key,
            c.source,
            c.capturedAtMillis,
            c.tags == null ? List.of() : Arrays.asList(c.tags),
            c.model,
            c.phash,
            SceneRef.of(c.representativeId, c.sceneStartMillis),
            c.items),
        c.eventTimeMillis);
  }

  /** The embeddings-topic value; null (a tombstone) for a deletion. */
  public static ImageEmbedding toAvro(EmbeddingChange c) {
    if (c.deleted) {
      return null;
    }
    List<Float> vector = new ArrayList<>(c.vector.length);
    for (float x : c.vector) {
      vector.add(x);
    }
    return ImageEmbedding.newBuilder()
        .setImageId(c.imageId)
        .setBucket(c.bucket)
        .setKey(c.key)
        .setSource(c.source)
        .setCapturedAtMillis(c.capturedAtMillis)
        .setTags(c.tags == null ? List.of() : Arrays.asList(c.tags))
        .setModel(c.model)
        .setVector(vector)
        .setEventTimeMillis(c.eventTimeMillis)
        .setPhash(c.phash)
        .setRepresentativeId(c.representativeId)
        .setSceneStartMillis(c.sceneStartMillis)
        .setObjects(c.items == null ? List.of() : DetectedItems.toAvro(c.items))
        .build();
  }

  public static DeadLetter deadLetter(
      KafkaRecord r, String reason, Throwable cause, String imageId) {
    return new DeadLetter(
        STAGE,
        reason,
        cause.getMessage(),
        cause.getClass().getName(),
        imageId,
        r.topic,
        r.partition,
        r.offset,
        r.key,
        r.value);
  }
}
