package dev.imgsearch.indexer.reindex;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.sink.PendingWrites;
import dev.imgsearch.indexer.store.CollectionAliases;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-index without downtime: readers open an alias (e.g. {@code images}); a re-index builds a new
 * collection (e.g. {@code images_mnv2_576_v2}, one per model version) from a replay of every change
 * — the compacted embeddings topic, read from the beginning to its end offsets — makes it durable
 * and visible, checks its row count, and only then re-points the alias in one atomic step. Readers
 * therefore see the complete old index until the swap and the complete new one after it, never an
 * empty or half-built one. On Milvus the near-duplicate companion's alias ({@code <alias>_phash})
 * moves in a second step right after, so near-duplicate searches may briefly still read the old
 * index. The old collection is kept (drop it once nothing reads it).
 */
public final class Reindexer {
  private static final Logger LOG = LoggerFactory.getLogger(Reindexer.class);

  /** What a re-index did. */
  public record Result(
      String alias, Optional<String> previous, String collection, long changes, long rows) {}

  private Reindexer() {}

  /**
   * Builds {@code newCollection} from {@code changes} (applied in order, latest per id within a
   * batch of {@code batch}) and points {@code aliasSettings.collection()} at it.
   *
   * @param aliasSettings the store and alias readers use ({@code collection()} is the alias name)
   * @throws IllegalArgumentException when the new collection is the alias or its current target
   * @throws IllegalStateException when the new collection does not end up with the expected number
   *     of rows
   */
  public static Result rebuild(
      StoreSettings aliasSettings, String newCollection, Iterable<IndexAction> changes, int batch) {
    Objects.requireNonNull(newCollection, "newCollection");
    String alias = aliasSettings.collection();
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be ≥ 1");
    }
    try (CollectionAliases aliases = CollectionAliases.open(aliasSettings)) {
      Optional<String> previous = aliases.target(alias);
      if (newCollection.equals(alias) || previous.map(newCollection::equals).orElse(false)) {
        throw new IllegalArgumentException(
            "re-index into a new collection, not "
                + newCollection
                + " (alias "
                + alias
                + " → "
                + previous.orElse("-")
                + ")");
      }
      long count = 0;
      java.util.Set<String> live = new java.util.HashSet<>();
      try (VectorStore target = VectorStores.open(aliasSettings.withCollection(newCollection))) {
        target.ensureCollection();
        PendingWrites pending = new PendingWrites();
        for (IndexAction change : changes) {
          pending.add(change);
          count++;
          if (change.op() == IndexAction.Op.DELETE) {
            live.remove(change.id());
          } else {
            live.add(change.id());
          }
          if (pending.size() >= batch) {
            pending.applyTo(target);
          }
        }
        pending.applyTo(target);
        target.flush();
        long rows = target.count();
        if (rows != live.size()) {
          throw new IllegalStateException(
              "re-index of "
                  + alias
                  + " into "
                  + newCollection
                  + " holds "
                  + rows
                  + " rows, expected "
                  + live.size()
                  + "; the alias was not moved");
        }
        aliases.repoint(alias, newCollection);
        LOG.info(
            "alias {} now points at {} ({} rows from {} changes; was {})",
            alias,
            newCollection,
            rows,
            count,
            previous.orElse("nothing"));
        return new Result(alias, previous, newCollection, count, rows);
      }
    }
  }
}
