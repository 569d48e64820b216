package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The active watches, matched by brute force: per model, the unit query vectors are packed row by
 * row into one array, and a candidate's unit vector is dotted with every row (cosine similarity);
 * near-duplicate watches compare pHashes by Hamming distance. Filters (enabled, sources, hours of
 * day) are checked before the dot product. Not thread-safe.
 *
 * <p>Whole-image candidates match {@link WatchTarget#FRAMES} and {@link
 * WatchTarget#NEAR_DUPLICATES} watches; {@code OBJECTS} and {@code FACES} watches are kept (so they
 * survive until those vectors exist in the pipeline) but match nothing here yet.
 */
public final class WatchIndex {
  private final Map<String, CompiledWatch> byId = new TreeMap<>();
  private Map<String, Packed> frames;
  private CompiledWatch[] nearDuplicates;

  /** The frame watches of one model and dimension, their unit vectors packed row by row. */
  private record Packed(int dimension, CompiledWatch[] watches, float[] rows) {}

  /** Adds or replaces a watch. */
  public void put(CompiledWatch w) {
    byId.put(w.id(), w);
    frames = null;
  }

  /** Removes a watch; true when it was there. */
  public boolean remove(String id) {
    boolean had = byId.remove(id) != null;
    frames = null;
    return had;
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
    Packed p =
        c.vector() == null || c.model() == null
            ? null
            : frames.get(key(c.model(), c.vector().length));
    if (p != null) {
      float[] v = c.vector();
      int dim = p.dimension;
      for (int r = 0; r < p.watches.length; r++) {
        CompiledWatch w = p.watches[r];
        if (!w.admits(c.source(), c.capturedAtMillis())) {
          continue;
        }
        double score = dot(p.rows, r * dim, v, dim);
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
   * Dot product of {@code rows[off..off+dim)} and {@code v}, four independent sums so the CPU
   * overlaps them.
   */
  static double dot(float[] rows, int off, float[] v, int dim) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += rows[off + i] * v[i];
      s1 += rows[off + i + 1] * v[i + 1];
      s2 += rows[off + i + 2] * v[i + 2];
      s3 += rows[off + i + 3] * v[i + 3];
    }
    for (; i < dim; i++) {
      s0 += rows[off + i] * v[i];
    }
    return (double) s0 + s1 + s2 + s3;
  }

  private static String key(String model, int dimension) {
    return model + "#" + dimension;
  }

  private void pack() {
    Map<String, List<CompiledWatch>> groups = new HashMap<>();
    List<CompiledWatch> near = new ArrayList<>();
    for (CompiledWatch w : byId.values()) {
      if (w.target() == WatchTarget.FRAMES) {
        groups.computeIfAbsent(key(w.model(), w.vector().length), k -> new ArrayList<>()).add(w);
      } else if (w.target() == WatchTarget.NEAR_DUPLICATES) {
        near.add(w);
      }
    }
    Map<String, Packed> packed = new HashMap<>();
    groups.forEach(
        (k, ws) -> {
          int dim = ws.get(0).vector().length;
          float[] rows = new float[ws.size() * dim];
          for (int r = 0; r < ws.size(); r++) {
            System.arraycopy(ws.get(r).vector(), 0, rows, r * dim, dim);
          }
          packed.put(k, new Packed(dim, ws.toArray(new CompiledWatch[0]), rows));
        });
    frames = packed;
    nearDuplicates = near.toArray(new CompiledWatch[0]);
  }
}
