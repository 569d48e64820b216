package dev.imgsearch.query;

import dev.imgsearch.indexer.store.VectorRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object-store side of a stored image: where a client downloads it (a presigned URL or this
 * API's content path) and its bytes. Only objects in the {@link AllowedBuckets} are signed or
 * served: the rows name their own bucket, and the API's object-store credentials can read more than
 * the images.
 */
final class ImageLinks {

  private static final Logger LOG = LoggerFactory.getLogger(ImageLinks.class);

  private final AllowedBuckets buckets;
  private final ImageContentSource contentSource;
  private final ImageUrlSigner urlSigner;

  ImageLinks(AllowedBuckets buckets, ImageContentSource contentSource, ImageUrlSigner urlSigner) {
    this.buckets = buckets;
    this.contentSource = contentSource;
    this.urlSigner = urlSigner;
  }

  /** The buckets whose objects are served and signed. */
  AllowedBuckets buckets() {
    return buckets;
  }

  /**
   * Opens the stored bytes of image {@code id}, stored as {@code record}; the caller closes the
   * stream.
   *
   * @throws NotFoundException if no object store is configured or the object is gone
   * @throws ContentForbiddenException if the record's bucket is not one of the allowed buckets
   * @throws StoreUnavailableException if the object store fails
   */
  ImageContentSource.Content open(String id, VectorRecord record) {
    buckets.check(id, record.bucket());
    Optional<ImageContentSource.Content> content;
    try {
      content = contentSource.open(record.bucket(), record.key());
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("object store failed: " + e.getMessage(), e);
    }
    return content.orElseThrow(() -> NotFoundException.content(id));
  }

  /**
   * Where a client downloads an image: a presigned object-store URL, or this API's content path.
   * Objects outside the allowed buckets are never signed (their content path answers 403).
   *
   * @throws StoreUnavailableException if signing fails
   */
  QueryService.ImageUrl url(String id, String bucket, String key, Duration expiry) {
    if (!buckets.allows(bucket)) {
      return new QueryService.ImageUrl(contentPath(id), null);
    }
    Optional<String> signed;
    try {
      signed = urlSigner.presignGet(bucket, key, expiry);
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException(
          "cannot presign an object-store URL: " + e.getMessage(), e);
    }
    return signed
        .map(u -> new QueryService.ImageUrl(u, System.currentTimeMillis() + expiry.toMillis()))
        .orElseGet(() -> new QueryService.ImageUrl(contentPath(id), null));
  }

  /**
   * {@link #url} for a search result: if signing fails the result points to the content path
   * instead.
   */
  String resultUrl(String id, String bucket, String key, Duration expiry) {
    try {
      return url(id, bucket, key, expiry).url();
    } catch (StoreUnavailableException e) {
      LOG.warn(
          "presigning {}/{} failed, pointing to the content path: {}", bucket, key, e.getMessage());
      return contentPath(id);
    }
  }

  private static String contentPath(String id) {
    return "/v1/images/" + id + "/content";
  }
}
