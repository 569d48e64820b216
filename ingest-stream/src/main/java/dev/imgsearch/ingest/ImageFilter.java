package dev.imgsearch.ingest;

import dev.imgsearch.schemas.CommaSeparated;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which objects become image events. Pure; configured by {@code filter.buckets}, {@code
 * filter.prefixes}, {@code filter.suffixes} and {@code filter.content-types} (comma-separated; an
 * empty list admits everything).
 *
 * <p>Created objects must pass all four rules. Content-type patterns are exact ({@code image/jpeg})
 * or a type wildcard ({@code image/*}); when the object's content type is missing or generic
 * ({@code application/octet-stream}, {@code binary/octet-stream}) a key ending in a known image
 * extension counts as {@code image/<ext>}. Removed objects carry no content type in MinIO's events,
 * so only bucket, prefix and suffix apply to them.
 */
public record ImageFilter(
    Set<String> buckets, List<String> prefixes, List<String> suffixes, List<String> contentTypes) {
  public static final String SKIP_BUCKET = "bucket-filtered";
  public static final String SKIP_PREFIX = "prefix-filtered";
  public static final String SKIP_SUFFIX = "suffix-filtered";
  public static final String SKIP_NOT_IMAGE = "not-an-image";

  /** Every bucket, key and image content type. */
  public static final ImageFilter IMAGES =
      new ImageFilter(Set.of(), List.of(), List.of(), List.of("image/*"));

  private static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");
  private static final Set<String> GENERIC_TYPES =
      Set.of("", "application/octet-stream", "binary/octet-stream");

  public ImageFilter {
    buckets = Set.copyOf(buckets);
    prefixes = List.copyOf(prefixes);
    suffixes = suffixes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    contentTypes = contentTypes.stream().map(s -> s.toLowerCase(Locale.ROOT).trim()).toList();
    for (String p : contentTypes) {
      if (!p.contains("/") || (p.contains("*") && !p.endsWith("/*"))) {
        throw new IllegalArgumentException(
            "filter.content-types: '" + p + "' is neither type/subtype nor type/*");
      }
    }
  }

  /** Parses the comma-separated option values. */
  public static ImageFilter of(
      String buckets, String prefixes, String suffixes, String contentTypes) {
    return new ImageFilter(
        Set.copyOf(split(buckets)), split(prefixes), split(suffixes), split(contentTypes));
  }

  static List<String> split(String csv) {
    return CommaSeparated.items(csv).stream().distinct().toList();
  }

  /** Why a created object is skipped, or null when it becomes an event. */
  public String rejectCreated(String bucket, String key, String contentType) {
    String r = rejectLocation(bucket, key);
    if (r != null) {
      return r;
    }
    return contentTypes.isEmpty()
            || contentTypes.stream().anyMatch(p -> matches(p, effectiveType(contentType, key)))
        ? null
        : SKIP_NOT_IMAGE;
  }

  /** Why a removed object is skipped, or null when it becomes an event. */
  public String rejectRemoved(String bucket, String key) {
    return rejectLocation(bucket, key);
  }

  private String rejectLocation(String bucket, String key) {
    if (!buckets.isEmpty() && !buckets.contains(bucket)) {
      return SKIP_BUCKET;
    }
    if (!prefixes.isEmpty() && prefixes.stream().noneMatch(key::startsWith)) {
      return SKIP_PREFIX;
    }
    String lower = key.toLowerCase(Locale.ROOT);
    if (!suffixes.isEmpty() && suffixes.stream().noneMatch(lower::endsWith)) {
      return SKIP_SUFFIX;
    }
    return null;
  }

  /** The content type, or {@code image/<ext>} derived from the key when the type says nothing. */
  static String effectiveType(String contentType, String key) {
    String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).trim();
    int semicolon = ct.indexOf(';');
    if (semicolon >= 0) {
      ct = ct.substring(0, semicolon).trim();
    }
    if (!GENERIC_TYPES.contains(ct)) {
      return ct;
    }
    int dot = key.lastIndexOf('.');
    String ext = dot >= 0 ? key.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    return IMAGE_EXTENSIONS.contains(ext) ? "image/" + (ext.equals("jpg") ? "jpeg" : ext) : ct;
  }

  private static boolean matches(String pattern, String type) {
    return pattern.endsWith("/*")
        ? type.startsWith(pattern.substring(0, pattern.length() - 1))
        : pattern.equals(type);
  }
}
