package dev.imgsearch.embedder.watch;

import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.AlertBox;
import dev.imgsearch.schemas.watch.CompiledWatch;

/** Builds the {@link Alert} of a match, with its deterministic id. */
public final class Alerts {
  private Alerts() {}

  /**
   * The alert of a match: of the whole image ({@code FRAMES}, {@code NEAR_DUPLICATES}), or of one
   * object or face ({@code OBJECTS}, {@code FACES}: its index, label, box and vector model).
   */
  public static Alert of(
      WatchMatch m, WatchCandidate c, String bucket, String key, long matchedAtMillis) {
    CompiledWatch w = m.watch();
    DetectedItem item = m.item();
    Alert.Builder a =
        Alert.newBuilder()
            .setAlertId(AlertIds.of(w.id(), c.imageId()))
            .setWatchId(w.id())
            .setWatchName(w.name())
            .setImageId(c.imageId())
            .setBucket(bucket)
            .setKey(key)
            .setSource(c.source())
            .setScore(m.score())
            .setHammingDistance(m.hammingDistance())
            .setModel(m.hammingDistance() == null ? c.model() : null)
            .setCapturedAtMillis(c.capturedAtMillis())
            .setMatchedAtMillis(matchedAtMillis);
    if (item != null) {
      float[] b = item.box(); // x0, y0, x1, y1
      a.setAlertId(AlertIds.of(w.id(), c.imageId(), item.index()))
          .setObjectIndex(item.index())
          .setLabel(item.label())
          .setBox(new AlertBox(b[0], b[1], b[2] - b[0], b[3] - b[1]))
          .setModel(item.model());
    }
    return a.build();
  }
}
