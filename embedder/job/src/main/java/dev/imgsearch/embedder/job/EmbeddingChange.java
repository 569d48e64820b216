package dev.imgsearch.embedder.job;

import dev.imgsearch.indexer.store.DetectedItem;
import java.util.Arrays;
import java.util.List;

/**
 * What the embedding stage emits per image event, in event order: an embedding (upsert) or a
 * deletion. Feeds both the vector store sink and the compacted embeddings topic. Public mutable
 * fields make it a Flink POJO.
 */
public class EmbeddingChange {
  public boolean deleted;
  public String imageId;
  public float[] vector;
  public String bucket;
  public String key;
  public String source;
  public long capturedAtMillis;
  public String[] tags;

  /** {@code id@version} of the model. */
  public String model;

  public long eventTimeMillis;

  /** 64-bit DCT perceptual hash, null for deletions. */
  public Long phash;

  // scene-change gating: set when the frame reuses the vector of an earlier frame of its source
  /** Image id of the frame whose vector this one reuses, or null (embedded itself). */
  public String representativeId;

  /** Capture time of the representative (the scene's start), or null. */
  public Long sceneStartMillis;

  /**
   * Objects and faces detected in the frame (empty: none, or detection off, failed, or a gated
   * frame).
   */
  public List<DetectedItem> items = List.of();

  public EmbeddingChange() {}

  public static EmbeddingChange deletion(String imageId, long eventTimeMillis) {
    EmbeddingChange c = new EmbeddingChange();
    c.deleted = true;
    c.imageId = imageId;
    c.eventTimeMillis = eventTimeMillis;
    return c;
  }

  @Override
  public String toString() {
    return deleted
        ? "delete " + imageId
        : "upsert "
            + imageId
            + " "
            + model
            + " dim="
            + (vector == null ? 0 : vector.length)
            + " tags="
            + Arrays.toString(tags)
            + " phash="
            + (phash == null ? "-" : Long.toHexString(phash))
            + (representativeId == null ? "" : " sceneOf=" + representativeId)
            + (items == null || items.isEmpty() ? "" : " items=" + items.size());
  }
}
