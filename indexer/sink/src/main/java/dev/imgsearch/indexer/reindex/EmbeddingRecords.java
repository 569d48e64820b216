package dev.imgsearch.indexer.reindex;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.DetectedItems;
import dev.imgsearch.indexer.store.SceneRef;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import java.util.List;

/**
 * The one mapping from a record of the compacted embeddings topic ({@code imgsearch.embeddings}:
 * key = image id, value = Avro {@link ImageEmbedding}, no value = deleted) to the index change it
 * stands for. Field for field the same as the live path (the embedder's {@code
 * Records.toIndexAction}, which maps the in-job form of the same change; {@code
 * EmbeddingRecordsAgreementTest} in local/cli checks the two agree).
 */
public final class EmbeddingRecords {
  private EmbeddingRecords() {}

  /**
   * Tombstone → delete of {@code key}; value → upsert of its vector and metadata.
   *
   * @throws IllegalArgumentException when the key is missing or differs from the value's image id
   */
  public static IndexAction toIndexAction(String key, ImageEmbedding value) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("embeddings record without a key (the image id)");
    }
    if (value == null) {
      return IndexAction.delete(key);
    }
    String id = value.getImageId().toString();
    if (!id.equals(key)) {
      throw new IllegalArgumentException("embeddings record keyed " + key + " holds image " + id);
    }
    return IndexAction.upsert(toVectorRecord(value));
  }

  /** The row of an embedding, with its detected objects and faces. */
  public static VectorRecord toVectorRecord(ImageEmbedding e) {
    List<Float> vector = e.getVector();
    float[] v = new float[vector.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = vector.get(i);
    }
    List<String> tags =
        e.getTags() == null ? List.of() : e.getTags().stream().map(CharSequence::toString).toList();
    return new VectorRecord(
        e.getImageId().toString(),
        v,
        str(e.getBucket()),
        str(e.getKey()),
        str(e.getSource()),
        e.getCapturedAtMillis(),
        tags,
        str(e.getModel()),
        e.getPhash(),
        SceneRef.of(str(e.getRepresentativeId()), e.getSceneStartMillis()),
        DetectedItems.fromAvro(e.getObjects()));
  }

  private static String str(CharSequence s) {
    return s == null ? null : s.toString();
  }
}
