package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import dev.imgsearch.schemas.watch.InvalidWatchException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns {@link WatchRequest}s into {@link Watch} records, validated by the job's own rules ({@link
 * CompiledWatch#of}), so the API never writes a watch the job would dead-letter. Pure; every
 * rejection is an {@link InvalidWatchException} whose message names the field.
 */
public final class WatchRequests {

  /** Default cooldown of a new watch (the schema's). */
  public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(1);

  /** Longest accepted name. */
  public static final int MAX_NAME_LENGTH = 200;

  /** Most sources / classes / hours one watch may list. */
  public static final int MAX_LIST = 1000;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern PHASH = Pattern.compile("[0-9a-fA-F]{1,16}");

  private WatchRequests() {}

  /**
   * A new watch from {@code r} comparing with {@code query}.
   *
   * @param generatedId used when the request names no id
   */
  public static Watch create(WatchRequest r, WatchQuery query, String generatedId, long nowMillis) {
    return create(r, query, generatedId, nowMillis, WebhookSettings.OFF);
  }

  /**
   * A new watch from {@code r} comparing with {@code query}; its {@code webhook}, if any, checked
   * against {@code webhooks}.
   *
   * @param generatedId used when the request names no id
   */
  public static Watch create(
      WatchRequest r,
      WatchQuery query,
      String generatedId,
      long nowMillis,
      WebhookSettings webhooks) {
    if (r.threshold() == null) {
      throw new InvalidWatchException("field 'threshold' is required");
    }
    String id = r.id() == null ? generatedId : checkId(r.id());
    Watch.Builder b =
        Watch.newBuilder()
            .setId(id)
            .setName(id)
            .setTarget(WatchTarget.FRAMES)
            .setThreshold(r.threshold())
            .setCooldownMillis(DEFAULT_COOLDOWN.toMillis())
            .setCreatedAtMillis(nowMillis)
            .setUpdatedAtMillis(nowMillis);
    if (query != null && query.vector() == null && query.phash() != null && r.target() == null) {
      b.setTarget(WatchTarget.NEAR_DUPLICATES); // a pHash alone can only find near-duplicates
    }
    return apply(b, r, query, webhooks);
  }

  /** {@code existing} with the fields {@code r} sets (and {@code query}, if not null) replaced. */
  public static Watch update(Watch existing, WatchRequest r, WatchQuery query, long nowMillis) {
    return update(existing, r, query, nowMillis, WebhookSettings.OFF);
  }

  /**
   * {@code existing} with the fields {@code r} sets (and {@code query}, if not null) replaced; a
   * new {@code webhook} is checked against {@code webhooks}, an empty one removes it.
   */
  public static Watch update(
      Watch existing, WatchRequest r, WatchQuery query, long nowMillis, WebhookSettings webhooks) {
    if (r.id() != null && !r.id().equals(existing.getId())) {
      throw new InvalidWatchException(
          "field 'id' cannot change (the watch is '" + existing.getId() + "')");
    }
    Watch.Builder b = Watch.newBuilder(existing).setUpdatedAtMillis(nowMillis);
    if (r.threshold() != null) {
      b.setThreshold(r.threshold());
    }
    return apply(b, r, query, webhooks);
  }

  private static Watch apply(
      Watch.Builder b, WatchRequest r, WatchQuery query, WebhookSettings webhooks) {
    if (r.name() != null) {
      if (r.name().isBlank() || r.name().length() > MAX_NAME_LENGTH) {
        throw new InvalidWatchException(
            "field 'name' must be 1.." + MAX_NAME_LENGTH + " characters");
      }
      b.setName(r.name());
    }
    if (r.target() != null) {
      b.setTarget(target(r.target()));
    }
    if (query != null) {
      b.setModel(query.model()).setPhash(query.phash()).setVector(boxed(query.vector()));
    }
    if (r.sources() != null) {
      b.setSources(list("sources", r.sources()));
    }
    if (r.classes() != null) {
      b.setClasses(list("classes", r.classes()));
    }
    if (r.hoursOfDay() != null) {
      b.setHoursOfDay(list("hoursOfDay", r.hoursOfDay()));
    }
    if (r.timeZone() != null) {
      b.setTimeZone(r.timeZone().isBlank() ? null : r.timeZone());
    }
    if (r.cooldown() != null) {
      b.setCooldownMillis(cooldown(r.cooldown()).toMillis());
    }
    if (r.enabled() != null) {
      b.setEnabled(r.enabled());
    }
    if (r.webhook() != null) {
      b.setWebhook(webhooks.check(r.webhook()));
    }
    Watch w = b.build();
    CompiledWatch.of(w); // the job's rules: throws InvalidWatchException with the reason
    return w;
  }

  /** An explicit watch id: 1..128 of letters, digits, {@code . _ : -}. */
  public static String checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidWatchException(
          "watch id must be 1..128 letters, digits, '.', '_', ':' or '-', got '" + id + "'");
    }
    return id;
  }

  /**
   * {@code FRAMES}, {@code OBJECTS}, {@code FACES} or {@code NEAR_DUPLICATES} (case-insensitive).
   */
  public static WatchTarget target(String s) {
    try {
      return WatchTarget.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidWatchException(
          "field 'target' must be one of " + List.of(WatchTarget.values()) + ", got '" + s + "'");
    }
  }

  /** An ISO-8601 duration ≥ 0 such as {@code PT30S}. */
  public static Duration cooldown(String s) {
    Duration d;
    try {
      d = Duration.parse(s.trim());
    } catch (DateTimeParseException e) {
      throw new InvalidWatchException(
          "field 'cooldown' must be an ISO-8601 duration such as PT30S, got '" + s + "'");
    }
    if (d.isNegative()) {
      throw new InvalidWatchException("field 'cooldown' must not be negative, got " + s);
    }
    return d;
  }

  /** A 64-bit pHash written as up to 16 hex digits. */
  public static long phash(String s) {
    if (s == null || !PHASH.matcher(s.trim()).matches()) {
      throw new InvalidWatchException("field 'phash' must be up to 16 hex digits, got '" + s + "'");
    }
    return Long.parseUnsignedLong(s.trim(), 16);
  }

  /** {@code phash} as 16 hex digits. */
  public static String hex(long phash) {
    return String.format("%016x", phash);
  }

  private static <T> List<T> list(String field, List<T> values) {
    if (values.size() > MAX_LIST) {
      throw new InvalidWatchException(
          "field '" + field + "' lists more than " + MAX_LIST + " values");
    }
    List<T> out = new ArrayList<>(values.size());
    for (T v : values) {
      if (v == null || (v instanceof String s && s.isBlank())) {
        throw new InvalidWatchException("field '" + field + "' contains an empty value");
      }
      out.add(v);
    }
    return out;
  }

  private static List<Float> boxed(float[] v) {
    if (v == null) {
      return null;
    }
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) {
      out.add(x);
    }
    return out;
  }
}
