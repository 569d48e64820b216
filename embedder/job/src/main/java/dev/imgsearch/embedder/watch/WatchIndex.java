package dev.imgsearch.embedder.watch;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The active watches. Per model and dimension, the unit query vectors of frame watches are packed
 * row by row into one array; a candidate's unit vector is dotted with every row (brute force,
 * cosine similarity) or, for a large group ({@link MatchPath}), only with the rows an HNSW index
 * over them finds near ({@link AnnWatches}); near-duplicate watches compare pHashes by Hamming
 * distance. Filters (enabled, sources, hours of day) are checked before the dot product. The HNSW
 * index is built on a background daemon thread of this index (brute force until it is ready);
 * {@link #close} stops it. Not thread-safe (one matching thread).
 *
 * <p>Whole-image candidates ({@link #match}) match {@link WatchTarget#FRAMES} and {@link
 * WatchTarget#NEAR_DUPLICATES} watches; the objects and faces detected in the image ({@link
 * #matchItems}) match {@code OBJECTS} and {@code FACES} watches ({@link ItemWatches}).
 */
public final class WatchIndex implements AutoCloseable {
  private final MatchPath path;
  private final Executor builds;
  private final ExecutorService owned;
  private final Map<String, CompiledWatch> byId = new TreeMap<>();
  private Map<String, PackedWatches> frames;

  /** The groups packed before the last change, until the next pack reuses or discards them. */
  private Map<String, PackedWatches> previous = Map.of();

  private CompiledWatch[] nearDuplicates;
  private ItemWatches items;

  /**
   * Brute force for a few frame watches of a model, an HNSW index beyond ({@link MatchPath}), built
   * on a daemon thread of its own (created at the first build).
   */
  public WatchIndex() {
    this(
        MatchPath.DEFAULT,
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "watch-index-build");
              t.setDaemon(true);
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            }));
  }

  /** Builds the HNSW index in the matching thread, at once (tests). */
  WatchIndex(MatchPath path) {
    this(path, Runnable::run);
  }

  /** Builds the HNSW index on {@code builds}; shut down by {@link #close} when it is a service. */
  WatchIndex(MatchPath path, Executor builds) {
    this.path = path;
    this.builds = builds;
    this.owned = builds instanceof ExecutorService s ? s : null;
  }

  /** Adds or replaces a watch. */
  public void put(CompiledWatch w) {
    CompiledWatch before = byId.put(w.id(), w);
    if (before != w) {
      changed(before, w);
    }
  }

  /** Removes a watch; true when it was there. */
  public boolean remove(String id) {
    CompiledWatch before = byId.remove(id);
    changed(before, null);
    return before != null;
  }

  /**
   * Stops the HNSW build thread (a running build is abandoned); matching goes on by brute force.
   */
  @Override
  public void close() {
    changed(null, null);
    previous.values().forEach(PackedWatches::discard);
    previous = Map.of();
    if (owned != null) {
      owned.shutdownNow();
    }
  }

  /**
   * True when the frame watches of {@code model} and {@code dimension} are matched by the index.
   */
  boolean annReady(String model, int dimension) {
    PackedWatches p = frames == null ? null : frames.get(PackedWatches.key(model, dimension));
    return p != null && p.annReady();
  }

  /**
   * Watch {@code before} became {@code after} (either may be null): repack at the next match,
   * keeping the groups that did not change; a build running for the group(s) of the two gives up.
   */
  private void changed(CompiledWatch before, CompiledWatch after) {
    if (frames != null) {
      previous = frames;
    }
    frames = null;
    for (CompiledWatch w : new CompiledWatch[] {before, after}) {
      if (w != null && w.target() == WatchTarget.FRAMES) {
        PackedWatches p = previous.get(PackedWatches.key(w.model(), w.vector().length));
        if (p != null) {
          p.discard();
        }
      }
    }
  }

  public int size() {
    return byId.size();
  }

  public CompiledWatch get(String id) {
    return byId.get(id);
  }

  /** Every watch {@code c} matches, frame watches first, each group in watch id order. */
  public List<WatchMatch> match(WatchCandidate c) {
    if (frames == null) {
      pack();
    }
    List<WatchMatch> out = new ArrayList<>(2);
    PackedWatches p =
        c.vector() == null || c.model() == null
            ? null
            : frames.get(PackedWatches.key(c.model(), c.vector().length));
    if (p != null) {
      int[] rows = p.rowsToScore(c.vector(), path, builds);
      int n = rows == null ? p.watches.length : rows.length;
      for (int i = 0; i < n; i++) {
        int r = rows == null ? i : rows[i];
        CompiledWatch w = p.watches[r];
        if (!w.admits(c.source(), c.capturedAtMillis())) {
          continue;
        }
        double score = p.score(r, c.vector());
        if (score >= w.threshold()) {
          out.add(new WatchMatch(w, score, null));
        }
      }
    }
    if (c.phash() != null) {
      long h = c.phash();
      for (CompiledWatch w : nearDuplicates) {
        int d = Long.bitCount(h ^ w.phash());
        if (d <= w.threshold() && w.admits(c.source(), c.capturedAtMillis())) {
          out.add(new WatchMatch(w, 1 - d / 64.0, d));
        }
      }
    }
    return out;
  }

  /**
   * Every object / face watch an item of {@code items} (detected in the image of {@code c})
   * matches: grouped by watch in id order, each watch's best-scoring item first.
   */
  public List<WatchMatch> matchItems(WatchCandidate c, List<DetectedItem> items) {
    if (frames == null) {
      pack();
    }
    return this.items.match(c, items);
  }

  private void pack() {
    List<CompiledWatch> frameWatches = new ArrayList<>();
    List<CompiledWatch> near = new ArrayList<>();
    for (CompiledWatch w : byId.values()) {
      if (w.target() == WatchTarget.FRAMES) {
        frameWatches.add(w);
      } else if (w.target() == WatchTarget.NEAR_DUPLICATES) {
        near.add(w);
      }
    }
    items = new ItemWatches(List.copyOf(byId.values()));
    frames = PackedWatches.group(frameWatches, previous);
    for (Map.Entry<String, PackedWatches> e : previous.entrySet()) {
      if (frames.get(e.getKey()) != e.getValue()) {
        e.getValue().discard(); // its watches changed: a build running for it gives up
      }
    }
    previous = Map.of();
    nearDuplicates = near.toArray(new CompiledWatch[0]);
  }
}
