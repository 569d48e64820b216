package dev.imgsearch.query.watch;

import java.util.List;

/**
 * Body of {@code POST /v1/watches} and {@code PUT /v1/watches/{id}} as the client sent it; every
 * field may be absent. The query is one of {@code vector} (+ {@code model}), {@code imageId} (a
 * stored image: its vector and pHash), {@code objectId} (a stored object or face: its vector; the
 * target defaults to OBJECTS or FACES by its kind), {@code phash} (16 hex digits) or an uploaded
 * image (then the fields come as query parameters). On PUT, absent fields keep the watch's current
 * values.
 *
 * @param cooldown ISO-8601 duration such as {@code PT30S}
 * @param webhook http(s) URL alerts are posted to; empty removes it on PUT
 */
public record WatchRequest(
    String id,
    String name,
    String target,
    Double threshold,
    List<Float> vector,
    String model,
    String imageId,
    String phash,
    List<String> sources,
    List<String> classes,
    List<Integer> hoursOfDay,
    String timeZone,
    String cooldown,
    Boolean enabled,
    String objectId,
    String webhook) {

  /** A request with no field set. */
  public static final WatchRequest EMPTY =
      new WatchRequest(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null);

  /** Whether the request names a query of its own (vector, stored image, object or pHash). */
  public boolean hasQuery() {
    return vector != null || imageId != null || phash != null || objectId != null;
  }

  /** This request with {@code target} set. */
  public WatchRequest withTarget(String target) {
    return new WatchRequest(
        id,
        name,
        target,
        threshold,
        vector,
        model,
        imageId,
        phash,
        sources,
        classes,
        hoursOfDay,
        timeZone,
        cooldown,
        enabled,
        objectId,
        webhook);
  }
}
