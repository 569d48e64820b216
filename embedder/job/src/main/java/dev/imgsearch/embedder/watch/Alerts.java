package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.AlertIds;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.watch.CompiledWatch;

/** Builds the {@link Alert} of a match, with its deterministic id. */
public final class Alerts {
  private Alerts() {}

  /** The alert of a whole-image match ({@code FRAMES}, {@code NEAR_DUPLICATES}). */
  public static Alert of(
      WatchMatch m, WatchCandidate c, String bucket, String key, long matchedAtMillis) {
    CompiledWatch w = m.watch();
    return Alert.newBuilder()
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
        .setMatchedAtMillis(matchedAtMillis)
        .build();
  }
}
