package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffer of index changes between flushes. Only the latest change per id is kept, so an upsert
 * followed by a delete of the same image in one batch ends deleted, and a delete followed by a
 * re-upload ends present — the order the events arrived in (they are keyed by id, hence ordered per
 * id) decides. Not thread-safe.
 */
public final class PendingWrites {
  private final Map<String, IndexAction> latest = new LinkedHashMap<>();

  public void add(IndexAction action) {
    latest.remove(action.id());
    latest.put(action.id(), action);
  }

  public int size() {
    return latest.size();
  }

  public boolean isEmpty() {
    return latest.isEmpty();
  }

  /** How many of the buffered changes are deletes. */
  public int deletes() {
    return (int) latest.values().stream().filter(a -> a.op() == IndexAction.Op.DELETE).count();
  }

  /** Estimated wire size of an upsert (vector + text fields); deletes count their id. */
  static long estimatedBytes(IndexAction action) {
    if (action.op() == IndexAction.Op.DELETE) {
      return action.id().length();
    }
    VectorRecord r = action.record();
    return 4L * r.vector().length + 8 + r.textChars();
  }

  /** Estimated bytes the buffered changes send (for the numBytesSend metric). */
  public long estimatedBytes() {
    long bytes = 0;
    for (IndexAction a : latest.values()) {
      bytes += estimatedBytes(a);
    }
    return bytes;
  }

  /**
   * Applies the buffered changes (deletes, then upserts: they concern disjoint ids) and clears the
   * buffer. When the store throws, the buffer is kept whole, so the same call can be repeated (both
   * operations are idempotent).
   */
  public void applyTo(VectorStore store) {
    if (latest.isEmpty()) {
      return;
    }
    apply(List.copyOf(latest.values()), store);
    latest.clear();
  }

  /** The buffered changes: the latest per id, in the order of their latest arrival. */
  public List<IndexAction> actions() {
    return List.copyOf(latest.values());
  }

  /**
   * Applies changes of distinct ids (deletes, then upserts: they concern disjoint ids); may be
   * repeated when the store throws (both operations are idempotent).
   */
  public static void apply(List<IndexAction> actions, VectorStore store) {
    List<String> deletes = new ArrayList<>();
    List<VectorRecord> upserts = new ArrayList<>();
    for (IndexAction a : actions) {
      if (a.op() == IndexAction.Op.DELETE) {
        deletes.add(a.id());
      } else {
        upserts.add(a.record());
      }
    }
    if (!deletes.isEmpty()) {
      store.delete(deletes);
    }
    if (!upserts.isEmpty()) {
      store.upsert(upserts);
    }
  }
}
