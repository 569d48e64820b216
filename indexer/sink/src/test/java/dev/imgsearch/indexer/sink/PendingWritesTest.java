package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.CollectionSpec;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.lucene.LuceneVectorStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PendingWritesTest {
  @TempDir Path dir;

  private static VectorRecord row(String id, float x) {
    return new VectorRecord(
        id, new float[] {x, 1 - x}, "b", id + ".jpg", "cam", 1L, List.of(), "m@1");
  }

  @Test
  void theLastChangePerIdWinsInArrivalOrder() {
    PendingWrites pending = new PendingWrites();
    pending.add(IndexAction.upsert(row("a", 1f)));
    pending.add(IndexAction.delete("a")); // upload then delete → gone
    pending.add(IndexAction.delete("b"));
    pending.add(IndexAction.upsert(row("b", 0.5f))); // delete then re-upload → present
    pending.add(IndexAction.upsert(row("c", 0f)));
    pending.add(IndexAction.upsert(row("c", 1f))); // update → newest vector
    assertThat(pending.size()).isEqualTo(3);

    try (LuceneVectorStore store = new LuceneVectorStore(dir, CollectionSpec.of("t", 2))) {
      store.upsert(List.of(row("a", 0.3f)));
      store.flush();
      pending.applyTo(store);
      store.flush();

      assertThat(pending.isEmpty()).isTrue();
      assertThat(store.get("a")).isEmpty();
      assertThat(store.get("b")).isPresent();
      assertThat(store.get("c").orElseThrow().vector()).containsExactly(1f, 0f);
      assertThat(store.search(new float[] {1, 0}, 10, SearchFilter.NONE)).hasSize(2);
    }
  }
}
