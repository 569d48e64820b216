package dev.imgsearch.indexer.store.milvus;

import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.common.IndexParam;
import java.util.Map;

/** Milvus index build and search parameters for a {@link CollectionSpec}. Pure functions. */
public final class MilvusIndexParams {
  private MilvusIndexParams() {}

  /** The Milvus index type of the spec's {@link CollectionSpec#indexType()}. */
  public static IndexParam.IndexType indexType(CollectionSpec spec) {
    return switch (spec.indexType()) {
      case HNSW -> IndexParam.IndexType.HNSW;
      case IVF_FLAT -> IndexParam.IndexType.IVF_FLAT;
      case IVF_SQ8 -> IndexParam.IndexType.IVF_SQ8;
    };
  }

  /** Build parameters: HNSW {@code M}, {@code efConstruction}; IVF {@code nlist}. */
  public static Map<String, Object> buildParams(CollectionSpec spec) {
    return switch (spec.indexType()) {
      case HNSW -> Map.of("M", spec.hnswM(), "efConstruction", spec.hnswEfConstruction());
      case IVF_FLAT, IVF_SQ8 -> Map.of("nlist", spec.ivfNlist());
    };
  }

  /**
   * Search parameters for top-{@code k}: HNSW {@code ef = max(searchEf, k)} (Milvus needs ef ≥ k);
   * IVF {@code nprobe}.
   */
  public static Map<String, Object> searchParams(CollectionSpec spec, int k) {
    return switch (spec.indexType()) {
      case HNSW -> Map.of("ef", Math.max(spec.searchEf(), k));
      case IVF_FLAT, IVF_SQ8 -> Map.of("nprobe", spec.ivfNprobe());
    };
  }

  /** The full index definition on {@link CollectionSpec#FIELD_VECTOR}, metric COSINE. */
  public static IndexParam vectorIndex(CollectionSpec spec) {
    return IndexParam.builder()
        .fieldName(CollectionSpec.FIELD_VECTOR)
        .indexType(indexType(spec))
        .metricType(IndexParam.MetricType.COSINE)
        .extraParams(buildParams(spec))
        .build();
  }

  /**
   * The perceptual-hash index of the companion collection: BIN_FLAT (exact; a scan of 8 bytes per
   * row, cheap up to tens of millions of rows) with metric HAMMING on {@link
   * CollectionSpec#FIELD_PHASH}.
   */
  public static IndexParam phashIndex() {
    return IndexParam.builder()
        .fieldName(CollectionSpec.FIELD_PHASH)
        .indexType(IndexParam.IndexType.BIN_FLAT)
        .metricType(IndexParam.MetricType.HAMMING)
        .build();
  }
}
