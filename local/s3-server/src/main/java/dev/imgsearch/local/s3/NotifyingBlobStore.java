package dev.imgsearch.local.s3;

import dev.imgsearch.schemas.minio.MinioNotifications;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.checksum.FlexChecksum;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * An S3Proxy blob store that, after every successful object write or delete, publishes the bucket
 * notification MinIO would publish, and only then lets the S3 request complete (MinIO's {@code
 * MINIO_API_SYNC_EVENTS=on}). A failed publish fails the S3 request (HTTP 500) although the object
 * was changed; the client's retry publishes again.
 *
 * <p>Events, as MinIO names them:
 *
 * <ul>
 *   <li>{@code putBlob} (PUT and browser POST uploads alike) → {@code s3:ObjectCreated:Put}
 *   <li>{@code copyBlob} → {@code s3:ObjectCreated:Copy}
 *   <li>{@code completeMultipartUpload} → {@code s3:ObjectCreated:CompleteMultipartUpload}
 *   <li>{@code removeBlob}, also each key of a multi-object delete ({@link BlobStore#removeBlobs}'s
 *       default fans out to {@code removeBlob}) → {@code s3:ObjectRemoved:Delete}, or {@code
 *       s3:ObjectRemoved:DeleteMarkerCreated} when a versioned bucket wrote a delete marker
 * </ul>
 *
 * <p>Created events carry the stored object's size, eTag (unquoted, {@code <md5>-<parts>} after a
 * multipart upload), content type and user metadata, read back from the store after the write.
 * {@code userMetadata} follows MinIO's event format: each {@code x-amz-meta-*} header under its
 * Go-canonical name ({@code x-amz-meta-source} → {@code X-Amz-Meta-Source}), plus {@code
 * content-type}; keys sorted as Go's JSON encoder sorts them. Removed events carry none of these.
 * The eTag of a copy is the source's. The sequencer is MinIO's: the event time in nanoseconds as
 * upper-case hex, here made strictly increasing per server. S3Proxy's internal multipart
 * bookkeeping objects ({@value #MULTIPART_STUB_PREFIX}…) are not reported.
 *
 * <p>Every bucket notifies (MinIO needs a bucket notification configuration for that). Differences
 * from MinIO: POST uploads report {@code :Put} rather than {@code :Post}; {@code size} is written
 * for empty objects too (MinIO omits a zero size); {@code versionId} is never set.
 */
public final class NotifyingBlobStore extends ForwardingBlobStore {
  public static final String OBJECT_CREATED_COPY = "s3:ObjectCreated:Copy";
  public static final String OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD =
      "s3:ObjectCreated:CompleteMultipartUpload";
  public static final String OBJECT_REMOVED_DELETE_MARKER_CREATED =
      "s3:ObjectRemoved:DeleteMarkerCreated";

  /** The key prefix S3Proxy uses for the stub object carrying a multipart upload's metadata. */
  static final String MULTIPART_STUB_PREFIX = ".s3proxy-mpu-stub-";

  private final NotificationPublisher publisher;
  private final AtomicLong lastSequence = new AtomicLong();

  public NotifyingBlobStore(BlobStore delegate, NotificationPublisher publisher) {
    super(delegate);
    this.publisher = publisher;
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
    PutObjectResponse response = super.putBlob(request, input);
    if (!request.key().startsWith(MULTIPART_STUB_PREFIX)) {
      var fallback =
          new ObjectInfo(
              request.contentLength(), response.eTag(), request.contentType(), request.metadata());
      publishCreated(
          MinioNotifications.OBJECT_CREATED_PUT, request.bucket(), request.key(), fallback);
    }
    return response;
  }

  @Override
  public CopyObjectResponse copyBlob(CopyObjectRequest request) {
    CopyObjectResponse response = super.copyBlob(request);
    String eTag = response.copyObjectResult() == null ? null : response.copyObjectResult().eTag();
    var fallback = new ObjectInfo(null, eTag, request.contentType(), request.metadata());
    publishCreated(
        OBJECT_CREATED_COPY, request.destinationBucket(), request.destinationKey(), fallback);
    return response;
  }

  @Override
  public CompleteMultipartUploadResponse completeMultipartUpload(
      MultipartUpload upload, CompleteMultipartUploadRequest request) {
    CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
    var fallback = new ObjectInfo(null, response.eTag(), null, Map.of());
    publishCreated(
        OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD, request.bucket(), request.key(), fallback);
    return response;
  }

  @Override
  public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
    DeleteObjectResponse response = super.removeBlob(request);
    if (!request.key().startsWith(MULTIPART_STUB_PREFIX)) {
      String event =
          Boolean.TRUE.equals(response.deleteMarker())
              ? OBJECT_REMOVED_DELETE_MARKER_CREATED
              : MinioNotifications.OBJECT_REMOVED_DELETE;
      publish(event, request.bucket(), request.key(), ObjectInfo.NONE);
    }
    return response;
  }

  /**
   * Reads the stored object back for the event; {@code fallback} answers when it is already gone
   * again.
   */
  private void publishCreated(String event, String bucket, String key, ObjectInfo fallback) {
    HeadObjectResponse head = delegate().blobMetadataIfPresent(bucket, key);
    ObjectInfo info =
        head == null
            ? fallback
            : new ObjectInfo(
                head.contentLength(), head.eTag(), head.contentType(), head.metadata());
    publish(event, bucket, key, info);
  }

  private void publish(String event, String bucket, String key, ObjectInfo info) {
    Instant now = Instant.now();
    var notification =
        MinioNotifications.of(
            event,
            bucket,
            key,
            info.size(),
            unquote(info.eTag()),
            info.contentType(),
            minioUserMetadata(info.userMetadata(), info.contentType()),
            now.truncatedTo(ChronoUnit.MILLIS),
            sequencer(now));
    publisher.publish(
        MinioNotifications.kafkaKey(bucket, key), MinioNotifications.toJson(notification));
  }

  /**
   * MinIO's sequencer is {@code %X} of the event time in nanoseconds; here it also strictly
   * increases.
   */
  private String sequencer(Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return String.format(
        "%016X", lastSequence.updateAndGet(previous -> Math.max(previous + 1, nanos)));
  }

  /**
   * The {@code userMetadata} map of a MinIO event: S3 user metadata (keys without the {@code
   * x-amz-meta-} prefix, as S3Proxy stores them) under their full Go-canonical header names, plus
   * {@code content-type}. The checksums S3Proxy keeps among the user metadata ({@code
   * s3proxy_checksum_*}, hidden from HEAD responses) are left out.
   */
  static Map<String, String> minioUserMetadata(Map<String, String> s3Metadata, String contentType) {
    var result = new TreeMap<String, String>();
    if (s3Metadata != null) {
      s3Metadata.forEach(
          (name, value) -> {
            if (!name.toLowerCase(Locale.ROOT).startsWith(FlexChecksum.METADATA_PREFIX)) {
              result.put(canonicalHeaderName("x-amz-meta-" + name), value);
            }
          });
    }
    if (contentType != null) {
      result.put("content-type", contentType);
    }
    return result;
  }

  /**
   * Go's {@code textproto.CanonicalMIMEHeaderKey}: upper-case the first letter and each letter
   * after '-'.
   */
  static String canonicalHeaderName(String name) {
    var out = new StringBuilder(name.length());
    boolean upper = true;
    for (char c : name.toCharArray()) {
      out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
      upper = c == '-';
    }
    return out.toString();
  }

  static String unquote(String eTag) {
    return eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
        ? eTag.substring(1, eTag.length() - 1)
        : eTag;
  }

  private record ObjectInfo(
      Long size, String eTag, String contentType, Map<String, String> userMetadata) {
    static final ObjectInfo NONE = new ObjectInfo(null, null, null, Map.of());
  }
}
