package dev.imgsearch.query;

import dev.imgsearch.schemas.CommaSeparated;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The object-store buckets whose objects the API serves ({@code /v1/images/{id}/content}) and signs
 * download URLs for. A stored row names its own bucket; whatever put it there, the API's
 * object-store credentials reach only these buckets, never e.g. the checkpoint or Milvus buckets on
 * the same server. Default: {@value #DEFAULT_BUCKET}.
 */
public final class AllowedBuckets {

  /** The bucket the cameras and the claim-check path write images to. */
  public static final String DEFAULT_BUCKET = "images";

  /**
   * S3 bucket names: 3..63 lower-case letters, digits, '.' and '-', starting and ending with a
   * letter or digit.
   */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  private static final AllowedBuckets DEFAULT = new AllowedBuckets(Set.of(DEFAULT_BUCKET));

  private final Set<String> names;

  private AllowedBuckets(Set<String> names) {
    this.names = names;
  }

  /** Only {@value #DEFAULT_BUCKET}. */
  public static AllowedBuckets defaults() {
    return DEFAULT;
  }

  /**
   * @throws IllegalArgumentException if there is no bucket or a name is not a valid S3 bucket name
   */
  public static AllowedBuckets of(Collection<String> buckets) {
    if (buckets == null || buckets.isEmpty()) {
      throw new IllegalArgumentException("at least one bucket must be allowed");
    }
    Set<String> names = new TreeSet<>();
    for (String b : buckets) {
      if (b == null || !NAME.matcher(b).matches()) {
        throw new IllegalArgumentException("'" + b + "' is not a valid bucket name");
      }
      names.add(b);
    }
    return new AllowedBuckets(Set.copyOf(names));
  }

  /** A comma-separated list, e.g. an option value. */
  public static AllowedBuckets parse(String commaSeparated) {
    if (commaSeparated == null || commaSeparated.isBlank()) {
      throw new IllegalArgumentException("at least one bucket must be allowed");
    }
    return of(CommaSeparated.items(commaSeparated));
  }

  public boolean allows(String bucket) {
    return bucket != null && names.contains(bucket);
  }

  /** The allowed names, sorted. */
  public Set<String> names() {
    return new TreeSet<>(names);
  }

  /**
   * @throws ContentForbiddenException (403) if image {@code id}'s bucket is not allowed
   */
  void check(String id, String bucket) {
    if (!allows(bucket)) {
      throw new ContentForbiddenException(
          "image '"
              + id
              + "' is stored in bucket '"
              + bucket
              + "', which this API does not serve (allowed: "
              + String.join(", ", names())
              + ")");
    }
  }

  @Override
  public String toString() {
    return String.join(",", names());
  }
}
