package dev.imgsearch.cli;

import dev.imgsearch.schemas.FieldLimits;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The S3 user metadata {@code imgsearch ingest} writes with every object, which the ingest stream
 * turns into the image's fields: {@code source}, {@code captured-at} (ISO-8601) and {@code tags}
 * (comma-separated). Values are checked here, before any upload, so that every one of them can be
 * stored and searched: the source as the raw-frame path requires it, tags as the query API's filter
 * accepts them (restricted to ASCII, as S3 metadata travels in HTTP headers), at most {@link
 * FieldLimits#MAX_TAGS} tags. Pure.
 */
final class ObjectMetadata {
  static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  static final Pattern TAG = Pattern.compile("[A-Za-z0-9 ._\\-:/@+=#]{1,128}");

  private ObjectMetadata() {}

  /** The source, checked. */
  static String source(String source) {
    if (source == null || !SOURCE.matcher(source).matches()) {
      throw new IllegalArgumentException(
          "--source must be 1..128 characters from letters, digits and . _ -, got '"
              + source
              + "'");
    }
    return source;
  }

  /**
   * Tags from (repeated and/or comma-separated) option values: trimmed, blanks dropped, duplicates
   * removed, checked.
   */
  static List<String> tags(Collection<String> values) {
    Set<String> out = new LinkedHashSet<>();
    for (String value : values == null ? List.<String>of() : values) {
      Arrays.stream(value.split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(out::add);
    }
    for (String tag : out) {
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException(
            "--tags: a tag may only contain letters, digits, spaces and . _ - : / @ + = # (ASCII, at most 128"
                + " characters); rejected '"
                + tag
                + "'");
      }
    }
    if (out.size() > FieldLimits.MAX_TAGS) {
      throw new IllegalArgumentException(
          "--tags: at most " + FieldLimits.MAX_TAGS + " tags, got " + out.size());
    }
    return List.copyOf(out);
  }

  /** The user metadata of one object (names without the {@code x-amz-meta-} prefix). */
  static Map<String, String> of(String source, Instant capturedAt, List<String> tags) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("source", source);
    meta.put("captured-at", capturedAt.toString());
    if (!tags.isEmpty()) {
      meta.put("tags", String.join(",", tags));
    }
    return meta;
  }
}
