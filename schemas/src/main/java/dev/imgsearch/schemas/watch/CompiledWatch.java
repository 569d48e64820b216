package dev.imgsearch.schemas.watch;

import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * A validated watch, ready to match: the query vector normalised to unit length, the filters as
 * sets and masks. {@link #of(Watch)} rejects a watch that could never match correctly with a {@link
 * InvalidWatchException}.
 *
 * @param vector unit-length query vector, null for near-duplicate watches
 * @param sources sources to match; empty = every source
 * @param hoursMask bit h set = hour h of the capture time (in {@code zone}) matches; all 24 bits
 *     when unfiltered
 */
public record CompiledWatch(
    String id,
    String name,
    WatchTarget target,
    String model,
    float[] vector,
    Long phash,
    double threshold,
    Set<String> classes,
    Set<String> sources,
    int hoursMask,
    ZoneId zone,
    long cooldownMillis,
    boolean enabled) {

  /** Every hour of the day. */
  static final int ALL_HOURS = (1 << 24) - 1;

  /** Max id length, so ids stay usable as Kafka keys and alert id inputs. */
  public static final int MAX_ID_LENGTH = 256;

  /** Validates and compiles {@code w}. */
  public static CompiledWatch of(Watch w) {
    String id = w.getId();
    if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH || id.indexOf('\n') >= 0) {
      throw new InvalidWatchException(
          "watch id must be 1.." + MAX_ID_LENGTH + " characters on one line");
    }
    WatchTarget target = w.getTarget();
    float[] unit = null;
    Long phash = w.getPhash();
    double t = w.getThreshold();
    if (target == WatchTarget.NEAR_DUPLICATES) {
      if (phash == null) {
        throw new InvalidWatchException("watch " + id + ": a NEAR_DUPLICATES watch needs a phash");
      }
      if (!(t >= 0 && t <= 64)) {
        throw new InvalidWatchException(
            "watch " + id + ": threshold of NEAR_DUPLICATES is a Hamming distance 0..64, not " + t);
      }
    } else {
      unit = unit(id, w.getVector());
      if (w.getModel() == null || w.getModel().isBlank()) {
        throw new InvalidWatchException(
            "watch " + id + ": a vector watch needs the model of its vector");
      }
      if (!(t >= -1 && t <= 1)) {
        throw new InvalidWatchException(
            "watch " + id + ": threshold is a cosine similarity -1..1, not " + t);
      }
    }
    if (w.getCooldownMillis() < 0) {
      throw new InvalidWatchException("watch " + id + ": cooldownMillis must be ≥ 0");
    }
    ZoneId zone;
    try {
      zone = w.getTimeZone() == null ? ZoneOffset.UTC : ZoneId.of(w.getTimeZone());
    } catch (DateTimeException e) {
      throw new InvalidWatchException(
          "watch " + id + ": unknown time zone '" + w.getTimeZone() + "'");
    }
    return new CompiledWatch(
        id,
        w.getName(),
        target,
        w.getModel(),
        unit,
        phash,
        t,
        Set.copyOf(w.getClasses()),
        Set.copyOf(w.getSources()),
        hoursMask(id, w.getHoursOfDay()),
        zone,
        w.getCooldownMillis(),
        w.getEnabled());
  }

  private static float[] unit(String id, List<Float> v) {
    if (v == null || v.isEmpty()) {
      throw new InvalidWatchException("watch " + id + ": a vector watch needs a non-empty vector");
    }
    float[] out = new float[v.size()];
    double norm = 0;
    for (int i = 0; i < out.length; i++) {
      float x = v.get(i);
      if (!Float.isFinite(x)) {
        throw new InvalidWatchException(
            "watch " + id + ": vector component " + i + " is not finite");
      }
      out[i] = x;
      norm += (double) x * x;
    }
    if (norm == 0) {
      throw new InvalidWatchException("watch " + id + ": the vector is all zeros");
    }
    float inv = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < out.length; i++) {
      out[i] *= inv;
    }
    return out;
  }

  private static int hoursMask(String id, List<Integer> hours) {
    if (hours.isEmpty()) {
      return ALL_HOURS;
    }
    int mask = 0;
    for (int h : hours) {
      if (h < 0 || h > 23) {
        throw new InvalidWatchException("watch " + id + ": hoursOfDay must be 0..23, not " + h);
      }
      mask |= 1 << h;
    }
    return mask;
  }

  /**
   * Whether the filters (enabled, source, hour of the capture time) admit a candidate; says nothing
   * of similarity.
   */
  public boolean admits(String source, long capturedAtMillis) {
    if (!enabled) {
      return false;
    }
    if (!sources.isEmpty() && (source == null || !sources.contains(source))) {
      return false;
    }
    if (hoursMask != ALL_HOURS) {
      int hour = Instant.ofEpochMilli(capturedAtMillis).atZone(zone).getHour();
      return (hoursMask & (1 << hour)) != 0;
    }
    return true;
  }

  /**
   * Whether the class filter admits a detected item of class {@code label}: an {@link
   * WatchTarget#OBJECTS} watch that lists classes admits only objects of those labels; every other
   * watch admits any label. Says nothing of the other filters or of similarity.
   */
  public boolean admitsLabel(String label) {
    return target != WatchTarget.OBJECTS || classes.isEmpty() || classes.contains(label);
  }
}
