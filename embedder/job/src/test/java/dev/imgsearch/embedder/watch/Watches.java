package dev.imgsearch.embedder.watch;

import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.util.ArrayList;
import java.util.List;

/** Test watches. */
final class Watches {
  private Watches() {}

  static Watch.Builder frames(String id, String model, double threshold, float... vector) {
    List<Float> v = new ArrayList<>();
    for (float x : vector) {
      v.add(x);
    }
    return Watch.newBuilder()
        .setId(id)
        .setName("watch " + id)
        .setTarget(WatchTarget.FRAMES)
        .setModel(model)
        .setVector(v)
        .setThreshold(threshold)
        .setCreatedAtMillis(1L)
        .setUpdatedAtMillis(1L);
  }

  static Watch.Builder nearDuplicates(String id, long phash, int maxDistance) {
    return Watch.newBuilder()
        .setId(id)
        .setName("copy of " + id)
        .setTarget(WatchTarget.NEAR_DUPLICATES)
        .setPhash(phash)
        .setThreshold(maxDistance)
        .setCreatedAtMillis(1L)
        .setUpdatedAtMillis(1L);
  }
}
