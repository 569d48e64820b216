package dev.imgsearch.embedder.watch;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The {@link WatchTarget#OBJECTS} and {@link WatchTarget#FACES} watches, matched by brute force
 * against the items detected in one image: an object watch compares the vectors of the image's
 * objects, a face watch those of its faces, each only with items of the watch's model and
 * dimension. An object watch that lists classes compares only objects of those labels. Filters
 * (enabled, sources, hours of day) and the class are checked before the dot product. Immutable.
 */
final class ItemWatches {
  /** Each watch's matches together (in watch id order), its best-scoring item first. */
  private static final Comparator<WatchMatch> ORDER =
      Comparator.comparing((WatchMatch m) -> m.watch().id())
          .thenComparing(Comparator.comparingDouble(WatchMatch::score).reversed())
          .thenComparingInt(m -> m.item().index());

  private final Map<String, PackedWatches> objects;
  private final Map<String, PackedWatches> faces;

  /** The item watches among {@code watches}; other targets are left out. */
  ItemWatches(List<CompiledWatch> watches) {
    List<CompiledWatch> o = new ArrayList<>();
    List<CompiledWatch> f = new ArrayList<>();
    for (CompiledWatch w : watches) {
      if (w.target() == WatchTarget.OBJECTS) {
        o.add(w);
      } else if (w.target() == WatchTarget.FACES) {
        f.add(w);
      }
    }
    objects = PackedWatches.group(o);
    faces = PackedWatches.group(f);
  }

  /**
   * Every (watch, item) pair of {@code items} (the image of {@code c}) at or above the watch's
   * threshold, grouped by watch in id order, each watch's best item first (ties: lower index).
   */
  List<WatchMatch> match(WatchCandidate c, List<DetectedItem> items) {
    if (items == null || items.isEmpty() || (objects.isEmpty() && faces.isEmpty())) {
      return List.of();
    }
    List<WatchMatch> out = new ArrayList<>(2);
    for (DetectedItem item : items) {
      boolean object = item.kind() == DetectedItem.Kind.OBJECT;
      PackedWatches p =
          (object ? objects : faces).get(PackedWatches.key(item.model(), item.vector().length));
      if (p == null) {
        continue;
      }
      for (int r = 0; r < p.watches.length; r++) {
        CompiledWatch w = p.watches[r];
        if (!w.admitsLabel(item.label()) || !w.admits(c.source(), c.capturedAtMillis())) {
          continue;
        }
        double score = p.score(r, item.vector());
        if (score >= w.threshold()) {
          out.add(new WatchMatch(w, score, null, item));
        }
      }
    }
    out.sort(ORDER);
    return out;
  }
}
