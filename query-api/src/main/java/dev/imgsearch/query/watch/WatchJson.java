package dev.imgsearch.query.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imgsearch.schemas.avro.Alert;
import dev.imgsearch.schemas.avro.AlertBox;
import dev.imgsearch.schemas.avro.Watch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of watches and alerts in responses and on the SSE stream. Pure. */
public final class WatchJson {
  private WatchJson() {}

  /**
   * A watch as the API shows it: the vector is summarised by its dimension, the pHash is 16 hex
   * digits.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record WatchBody(
      String id,
      String name,
      String target,
      String model,
      Integer dimension,
      String phash,
      double threshold,
      List<String> classes,
      List<String> sources,
      List<Integer> hoursOfDay,
      String timeZone,
      String cooldown,
      boolean enabled,
      String webhook,
      String createdAt,
      String updatedAt,
      Long alerts,
      String lastAlertAt) {}

  /** {@code GET /v1/watches}. */
  public record WatchList(List<WatchBody> watches, int count) {}

  /** An alert; {@code box} is in fractions of the upright image. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AlertBody(
      String alertId,
      String watchId,
      String watchName,
      String imageId,
      String bucket,
      String key,
      String source,
      Integer objectIndex,
      String label,
      Box box,
      double score,
      Integer hammingDistance,
      String model,
      String capturedAt,
      String matchedAt) {}

  public record Box(float x, float y, float width, float height) {}

  /**
   * {@code GET /v1/watches/{id}/alerts}: a page, newest first; {@code nextCursor} (the {@code
   * before} of the next page) is absent on the last page.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AlertList(String watchId, List<AlertBody> alerts, String nextCursor) {}

  public static WatchBody of(Watch w) {
    return of(w, null);
  }

  /**
   * A watch with its alert count and newest alert time ({@code stats}; null: both left out, as on
   * create and update).
   */
  public static WatchBody of(Watch w, AlertFeed.WatchStats stats) {
    return new WatchBody(
        w.getId(),
        w.getName(),
        w.getTarget().name(),
        w.getModel(),
        w.getVector() == null ? null : w.getVector().size(),
        w.getPhash() == null ? null : WatchRequests.hex(w.getPhash()),
        w.getThreshold(),
        List.copyOf(w.getClasses()),
        List.copyOf(w.getSources()),
        List.copyOf(w.getHoursOfDay()),
        w.getTimeZone(),
        Duration.ofMillis(w.getCooldownMillis()).toString(),
        w.getEnabled(),
        w.getWebhook(),
        Instant.ofEpochMilli(w.getCreatedAtMillis()).toString(),
        Instant.ofEpochMilli(w.getUpdatedAtMillis()).toString(),
        stats == null ? null : stats.alerts(),
        stats == null || stats.lastMatchedAtMillis() < 0
            ? null
            : Instant.ofEpochMilli(stats.lastMatchedAtMillis()).toString());
  }

  public static AlertBody of(Alert a) {
    AlertBox b = a.getBox();
    return new AlertBody(
        a.getAlertId(),
        a.getWatchId(),
        a.getWatchName(),
        a.getImageId(),
        a.getBucket(),
        a.getKey(),
        a.getSource(),
        a.getObjectIndex(),
        a.getLabel(),
        b == null ? null : new Box(b.getX(), b.getY(), b.getWidth(), b.getHeight()),
        a.getScore(),
        a.getHammingDistance(),
        a.getModel(),
        Instant.ofEpochMilli(a.getCapturedAtMillis()).toString(),
        Instant.ofEpochMilli(a.getMatchedAtMillis()).toString());
  }
}
