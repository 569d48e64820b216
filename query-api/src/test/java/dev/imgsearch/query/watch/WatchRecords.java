package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;

/** Watch and alert records for the tests of the watch endpoints and the alert feed. */
public final class WatchRecords {
  private WatchRecords() {}

  /** An alert of {@code watch} (its id doubling as its name) on one image, score 0.9. */
  public static Alert alert(String id, String watch) {
    return alert(id, watch, 2000);
  }

  /** {@link #alert(String, String)} matched at {@code matchedAtMillis}. */
  public static Alert alert(String id, String watch, long matchedAtMillis) {
    return Alert.newBuilder()
        .setAlertId(id)
        .setWatchId(watch)
        .setWatchName(watch)
        .setImageId("i")
        .setBucket("b")
        .setKey("k")
        .setScore(0.9)
        .setCapturedAtMillis(1000)
        .setMatchedAtMillis(matchedAtMillis)
        .build();
  }

  /** A near-duplicate watch named {@code id}: hash 1, threshold 3. */
  public static Watch nearDuplicates(String id) {
    return Watch.newBuilder()
        .setId(id)
        .setName(id)
        .setTarget(WatchTarget.NEAR_DUPLICATES)
        .setPhash(1L)
        .setThreshold(3)
        .setCreatedAtMillis(1)
        .setUpdatedAtMillis(1)
        .build();
  }
}
