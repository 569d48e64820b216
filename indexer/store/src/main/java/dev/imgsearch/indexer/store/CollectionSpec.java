package dev.imgsearch.indexer.store;

import dev.imgsearch.schemas.FieldLimits;
import java.io.Serializable;
import java.util.Objects;

/**
 * The collection contract shared by the indexer and the query API: field names, dimension, metric
 * (always COSINE on L2-normalised vectors) and index parameters are defined here once.
 *
 * @param indexType vector index: {@link IndexType#HNSW} (default; both stores), {@link
 *     IndexType#IVF_FLAT} or {@link IndexType#IVF_SQ8} (Milvus only)
 * @param hnswM HNSW graph degree (default 16)
 * @param hnswEfConstruction HNSW build beam (default 200)
 * @param searchEf HNSW search beam; a search uses {@code max(searchEf, k)} (default 128)
 * @param ivfNlist IVF clusters (default 1024)
 * @param ivfNprobe IVF clusters probed per search (default 32)
 */
public record CollectionSpec(
    String name,
    int dimension,
    int hnswM,
    int hnswEfConstruction,
    int searchEf,
    IndexType indexType,
    int ivfNlist,
    int ivfNprobe)
    implements Serializable {
  public static final String FIELD_ID = "id";
  public static final String FIELD_VECTOR = "vector";
  public static final String FIELD_BUCKET = "bucket";
  public static final String FIELD_KEY = "key";
  public static final String FIELD_SOURCE = "source";
  public static final String FIELD_CAPTURED_AT = "captured_at";
  public static final String FIELD_TAGS = "tags";
  public static final String FIELD_MODEL = "model";

  /**
   * The perceptual hash: INT64 in the main collection (with {@link #FIELD_HAS_PHASH}),
   * BINARY_VECTOR in the companion.
   */
  public static final String FIELD_PHASH = "phash";

  /**
   * BOOL in the main Milvus collection: whether {@link #FIELD_PHASH} holds a hash (Milvus 2.3 has
   * no null scalars).
   */
  public static final String FIELD_HAS_PHASH = "has_phash";

  /**
   * Scene-change gating: image id of the row's representative, when the row reuses its vector
   * (VARCHAR in both Milvus collections, empty for a frame embedded itself; a stored field in
   * Lucene).
   */
  public static final String FIELD_SCENE_OF = "scene_of";

  /**
   * Scene-change gating: capture time of the representative (the scene's start; INT64 in both
   * Milvus collections, 0 for a frame embedded itself).
   */
  public static final String FIELD_SCENE_START = "scene_start";

  /**
   * The Milvus partition key of both collections (rows are spread over partitions by source,
   * filters prune them).
   */
  public static final String PARTITION_KEY_FIELD = FIELD_SOURCE;

  /** Bits of the perceptual hash (the companion's BINARY_VECTOR dimension). */
  public static final int PHASH_BITS = 64;

  /**
   * Suffix of the Milvus companion collection that indexes perceptual hashes ({@code <name>_phash}:
   * Milvus 2.3 allows one vector field per collection).
   */
  public static final String PHASH_COLLECTION_SUFFIX = "_phash";

  /**
   * Max length of the VARCHAR fields (UTF-8 bytes), from the one definition the ingest stream
   * enforces.
   */
  public static final int MAX_ID_LENGTH = FieldLimits.MAX_ID_BYTES;

  public static final int MAX_TEXT_LENGTH = FieldLimits.MAX_TEXT_BYTES;
  public static final int MAX_TAGS = FieldLimits.MAX_TAGS;

  public static final int DEFAULT_HNSW_M = 16;
  public static final int DEFAULT_HNSW_EF_CONSTRUCTION = 200;
  public static final int DEFAULT_SEARCH_EF = 128;
  public static final int DEFAULT_IVF_NLIST = 1024;
  public static final int DEFAULT_IVF_NPROBE = 32;

  /** Vector index kinds. */
  public enum IndexType {
    HNSW,
    IVF_FLAT,
    IVF_SQ8
  }

  public CollectionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(indexType, "indexType");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,248}")) {
      throw new IllegalArgumentException(
          "collection name must match [A-Za-z_][A-Za-z0-9_]* with at most 249 characters (the companion "
              + PHASH_COLLECTION_SUFFIX
              + " collection adds 6): "
              + name);
    }
    if (dimension <= 0 || dimension > 32768) {
      throw new IllegalArgumentException("dimension out of range: " + dimension);
    }
    if (hnswM < 2 || hnswM > 2048 || hnswEfConstruction < 1 || searchEf < 1) {
      throw new IllegalArgumentException(
          "HNSW parameters out of range (M 2..2048, efConstruction ≥ 1, ef ≥ 1): "
              + hnswM
              + ", "
              + hnswEfConstruction
              + ", "
              + searchEf);
    }
    if (ivfNlist < 1 || ivfNlist > 65536 || ivfNprobe < 1 || ivfNprobe > ivfNlist) {
      throw new IllegalArgumentException(
          "IVF parameters out of range (nlist 1..65536, nprobe 1..nlist): "
              + ivfNlist
              + ", "
              + ivfNprobe);
    }
  }

  /**
   * The name of the Milvus companion collection holding the perceptual hashes as BINARY_VECTOR(64).
   */
  public String phashCollectionName() {
    return name + PHASH_COLLECTION_SUFFIX;
  }

  /** HNSW with explicit parameters, IVF parameters at their defaults (the original constructor). */
  public CollectionSpec(
      String name, int dimension, int hnswM, int hnswEfConstruction, int searchEf) {
    this(
        name,
        dimension,
        hnswM,
        hnswEfConstruction,
        searchEf,
        IndexType.HNSW,
        DEFAULT_IVF_NLIST,
        DEFAULT_IVF_NPROBE);
  }

  /** HNSW M=16, efConstruction=200, ef=128. */
  public static CollectionSpec of(String name, int dimension) {
    return new CollectionSpec(
        name, dimension, DEFAULT_HNSW_M, DEFAULT_HNSW_EF_CONSTRUCTION, DEFAULT_SEARCH_EF);
  }

  /** The same collection with an HNSW index of these parameters. */
  public CollectionSpec withHnsw(int m, int efConstruction, int ef) {
    return new CollectionSpec(
        name, dimension, m, efConstruction, ef, IndexType.HNSW, ivfNlist, ivfNprobe);
  }

  /** The same collection with an IVF index (Milvus only). */
  public CollectionSpec withIvf(IndexType type, int nlist, int nprobe) {
    if (type == IndexType.HNSW) {
      throw new IllegalArgumentException("withIvf needs IVF_FLAT or IVF_SQ8");
    }
    return new CollectionSpec(
        name, dimension, hnswM, hnswEfConstruction, searchEf, type, nlist, nprobe);
  }

  /** The same index parameters on another collection (re-indexing into a new collection). */
  public CollectionSpec withName(String newName) {
    return new CollectionSpec(
        newName, dimension, hnswM, hnswEfConstruction, searchEf, indexType, ivfNlist, ivfNprobe);
  }

  // ---- detected objects and faces (DetectedItemStore) ----

  /** Suffix of the Milvus collection of the images' detected objects ({@code <name>_objects}). */
  public static final String OBJECTS_COLLECTION_SUFFIX = "_objects";

  /** Suffix of the Milvus collection of the images' detected faces ({@code <name>_faces}). */
  public static final String FACES_COLLECTION_SUFFIX = "_faces";

  /** VARCHAR in the item collections: the id of the image the item was found in. */
  public static final String FIELD_PARENT_ID = "parent_id";

  /** VARCHAR in the item collections: the COCO class name ({@code face} for faces). */
  public static final String FIELD_LABEL = "label";

  /** INT32 in the item collections: the COCO class id (-1 for faces). */
  public static final String FIELD_CLASS_ID = "class_id";

  /** FLOAT in the item collections: the detector score. */
  public static final String FIELD_SCORE = "score";

  /** ARRAY of 4 FLOATs in the item collections: the normalised box x0, y0, x1, y1. */
  public static final String FIELD_BOX = "box";

  /** INT32 in the item collections: the item's index in its image. */
  public static final String FIELD_ITEM_INDEX = "item_index";

  /** The Milvus collection of the detected objects of this collection's images. */
  public String objectsCollectionName() {
    return name + OBJECTS_COLLECTION_SUFFIX;
  }

  /** The Milvus collection of the detected faces of this collection's images. */
  public String facesCollectionName() {
    return name + FACES_COLLECTION_SUFFIX;
  }
}
