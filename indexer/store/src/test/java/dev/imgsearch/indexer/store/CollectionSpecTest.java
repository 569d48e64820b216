package dev.imgsearch.indexer.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.CollectionSpec.IndexType;
import dev.imgsearch.indexer.store.milvus.MilvusIndexParams;
import io.milvus.v2.common.IndexParam;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectionSpecTest {
  @Test
  void defaultsAreHnswWithTheDocumentedParameters() {
    CollectionSpec spec = CollectionSpec.of("images", 576);
    assertThat(spec.indexType()).isEqualTo(IndexType.HNSW);
    assertThat(spec.hnswM()).isEqualTo(16);
    assertThat(spec.hnswEfConstruction()).isEqualTo(200);
    assertThat(spec.searchEf()).isEqualTo(128);
    assertThat(new CollectionSpec("images", 576, 16, 200, 128)).isEqualTo(spec);
  }

  @Test
  void milvusParametersFollowTheIndexType() {
    CollectionSpec hnsw = CollectionSpec.of("c", 8).withHnsw(32, 400, 64);
    assertThat(MilvusIndexParams.indexType(hnsw)).isEqualTo(IndexParam.IndexType.HNSW);
    assertThat(MilvusIndexParams.buildParams(hnsw))
        .isEqualTo(Map.of("M", 32, "efConstruction", 400));
    assertThat(MilvusIndexParams.searchParams(hnsw, 10)).isEqualTo(Map.of("ef", 64));
    assertThat(MilvusIndexParams.searchParams(hnsw, 100)).as("ef ≥ k").isEqualTo(Map.of("ef", 100));

    CollectionSpec sq8 = CollectionSpec.of("c", 8).withIvf(IndexType.IVF_SQ8, 256, 16);
    assertThat(MilvusIndexParams.indexType(sq8)).isEqualTo(IndexParam.IndexType.IVF_SQ8);
    assertThat(MilvusIndexParams.buildParams(sq8)).isEqualTo(Map.of("nlist", 256));
    assertThat(MilvusIndexParams.searchParams(sq8, 10)).isEqualTo(Map.of("nprobe", 16));
    assertThat(MilvusIndexParams.vectorIndex(sq8).getMetricType())
        .isEqualTo(IndexParam.MetricType.COSINE);
    assertThat(
            MilvusIndexParams.indexType(
                CollectionSpec.of("c", 8).withIvf(IndexType.IVF_FLAT, 8, 8)))
        .isEqualTo(IndexParam.IndexType.IVF_FLAT);
  }

  @Test
  void parametersAreValidated() {
    CollectionSpec spec = CollectionSpec.of("c", 8);
    assertThatThrownBy(() -> spec.withHnsw(1, 200, 128))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> spec.withIvf(IndexType.IVF_FLAT, 16, 32))
        .hasMessageContaining("nprobe");
    assertThatThrownBy(() -> spec.withIvf(IndexType.HNSW, 16, 8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CollectionSpec.of("bad-name", 8))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void storeSettingsCarryIndexParameters() {
    StoreSettings settings =
        StoreSettings.milvus("http://127.0.0.1:19530", null, "images", 576, "STRONG");
    assertThat(settings.spec()).isEqualTo(CollectionSpec.of("images", 576));
    StoreSettings ivf = settings.withIndex(settings.spec().withIvf(IndexType.IVF_SQ8, 1024, 32));
    assertThat(ivf.spec().indexType()).isEqualTo(IndexType.IVF_SQ8);
    assertThat(ivf.withCollection("images_v2").spec())
        .isEqualTo(CollectionSpec.of("images_v2", 576).withIvf(IndexType.IVF_SQ8, 1024, 32));
    assertThatThrownBy(() -> settings.withIndex(CollectionSpec.of("other", 576)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
