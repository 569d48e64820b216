package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.VectorRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class MilvusUpsertPlanTest {

  @Test
  void duplicateIdsKeepTheLastRecordInTheOrderOfTheirLastOccurrence() {
    var plan =
        MilvusUpsertPlan.of(
            List.of(record("a", "first", null), record("b", "b", 1L), record("a", "last", null)),
            Long.MAX_VALUE);
    assertThat(plan.rows()).hasSize(1);
    assertThat(plan.rows().get(0)).extracting(VectorRecord::id).containsExactly("b", "a");
    assertThat(plan.rows().get(0).get(1).source()).isEqualTo("last");
  }

  @Test
  void hashedRecordsGoToTheCompanionTheOthersAreDeletedFromIt() {
    var plan =
        MilvusUpsertPlan.of(
            List.of(
                record("a", "s", 7L),
                record("b", "s", null),
                record("c", "s", 0L),
                record("b", "s", null)),
            Long.MAX_VALUE);
    assertThat(plan.hashes()).hasSize(1);
    assertThat(plan.hashes().get(0)).extracting(VectorRecord::id).containsExactly("a", "c");
    assertThat(plan.unhashed()).containsExactly("b");
    // a hash that is replaced by none in the same batch is deleted
    var replaced =
        MilvusUpsertPlan.of(List.of(record("a", "s", 7L), record("a", "s", null)), Long.MAX_VALUE);
    assertThat(replaced.hashes()).isEmpty();
    assertThat(replaced.unhashed()).containsExactly("a");
  }

  @Test
  void requestsAreCutBeforeTheyWouldExceedTheLimit() {
    List<Integer> sizes = List.of(4, 4, 3, 10, 1, 1);
    assertThat(MilvusUpsertPlan.split(sizes, Integer::longValue, 8))
        .containsExactly(List.of(4, 4), List.of(3), List.of(10), List.of(1, 1));
    assertThat(MilvusUpsertPlan.split(List.<Integer>of(), Integer::longValue, 8)).isEmpty();
  }

  @Test
  void theLimitAppliesToTheEstimatedRowSizes() {
    var records = List.of(record("a", "s", 1L), record("b", "s", 2L), record("c", "s", 3L));
    long mainRow = MilvusRows.estimatedBytes(records.get(0));
    long hashRow = MilvusRows.estimatedPhashBytes(records.get(0));
    // room for two main rows per request, and for all three (smaller) companion rows
    var plan = MilvusUpsertPlan.of(records, Math.max(2 * mainRow, 3 * hashRow));
    assertThat(plan.rows()).extracting(List::size).containsExactly(2, 1);
    assertThat(plan.hashes()).extracting(List::size).containsExactly(3);
  }

  private static VectorRecord record(String id, String source, Long phash) {
    VectorRecord r = new VectorRecord(id, new float[64], "b", "k/" + id, source, 1, List.of(), "m");
    return phash == null ? r : r.withPhash(phash);
  }
}
