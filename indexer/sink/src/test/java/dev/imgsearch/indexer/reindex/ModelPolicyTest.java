package dev.imgsearch.indexer.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.VectorRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelPolicyTest {
  static IndexAction upsert(String id, String model, int dim) {
    return IndexAction.upsert(
        new VectorRecord(id, new float[dim], "b", id, "s", 1, List.of(), model));
  }

  @Test
  void otherModelsAndDimensionsBecomeDeletesAndAreCounted() {
    ModelPolicy p = new ModelPolicy("m@2", 2, ModelPolicy.OnMismatch.SKIP);
    assertThat(p.apply(upsert("a", "m@2", 2), "t-0@0").op()).isEqualTo(IndexAction.Op.UPSERT);
    assertThat(p.apply(upsert("a", "m@1", 2), "t-0@1")).isEqualTo(IndexAction.delete("a"));
    assertThat(p.apply(upsert("b", "m@2", 3), "t-0@2")).isEqualTo(IndexAction.delete("b"));
    assertThat(p.apply(IndexAction.delete("c"), "t-0@3")).isEqualTo(IndexAction.delete("c"));
    assertThat(p.skippedOtherModel()).isEqualTo(1);
    assertThat(p.skippedOtherDimension()).isEqualTo(1);
  }

  @Test
  void withoutATargetTheFirstEmbeddingsModelIsAdopted() {
    ModelPolicy p = new ModelPolicy(null, 2, ModelPolicy.OnMismatch.SKIP);
    p.apply(IndexAction.delete("x"), "w");
    assertThat(p.model()).isNull();
    p.apply(upsert("a", "m@1", 2), "w");
    assertThat(p.model()).isEqualTo("m@1");
    assertThat(p.apply(upsert("b", "m@2", 2), "w").op()).isEqualTo(IndexAction.Op.DELETE);
  }

  @Test
  void failModeNamesTheRecordAndBothModels() {
    ModelPolicy p = new ModelPolicy("m@2", 2, ModelPolicy.OnMismatch.FAIL);
    assertThatThrownBy(() -> p.apply(upsert("a", "m@1", 2), "t-3@42"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("t-3@42")
        .hasMessageContaining("m@1")
        .hasMessageContaining("m@2")
        .hasMessageContaining("alias was not moved");
  }
}
