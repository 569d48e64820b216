package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExactlyWhatWasUploadedContract} on the embedded Lucene store, reopened from disk for the
 * check.
 */
class EmbeddedStoreExactlyOnceIT extends ExactlyWhatWasUploadedContract {
  @TempDir Path dir;

  @Override
  protected StoreSettings settings(String collection) {
    return StoreSettings.embedded(dir.toString(), collection, DIM);
  }

  @Override
  protected Map<String, Long> storedVersions(String collection) {
    Map<String, Long> rows = new HashMap<>();
    try (VectorStore store = VectorStores.open(settings(collection))) {
      for (int i = 0; i < IDS; i++) {
        store.get("img-" + i).ifPresent(r -> rows.put(r.id(), r.capturedAtMillis()));
      }
      if (store.count() != rows.size()) {
        throw new AssertionError(
            "the store counts " + store.count() + " rows for " + rows.size() + " distinct ids");
      }
    }
    return rows;
  }

  @Override
  protected Map<String, List<Long>> storedObjects(String collection) {
    Map<String, List<Long>> objects = new HashMap<>();
    try (VectorStore store = VectorStores.open(settings(collection))) {
      for (int i = 0; i < IDS; i++) {
        List<Long> times =
            store.items().itemsOf("img-" + i).stream()
                .map(StoredItem::capturedAtMillis)
                .sorted()
                .toList();
        if (!times.isEmpty()) {
          objects.put("img-" + i, times);
        }
      }
    }
    return objects;
  }
}
