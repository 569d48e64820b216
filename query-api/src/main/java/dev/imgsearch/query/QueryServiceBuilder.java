package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.indexer.store.VectorStore;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link QueryService} is built from ({@link QueryService#builder}). Only the embedder and
 * the store are required; by default no content is served ({@link ImageContentSource#NONE}), no URL
 * is signed ({@link ImageUrlSigner#NONE}), store calls are bounded by {@link
 * QueryService#DEFAULT_STORE_TIMEOUT}, {@link AllowedBuckets#defaults()} are served and
 * near-duplicate searches hash with {@link PerceptualHasher#forEmbedder}.
 */
public final class QueryServiceBuilder {
  final ImageEmbedder embedder;
  final VectorStore store;
  ImageContentSource contentSource = ImageContentSource.NONE;
  ImageUrlSigner urlSigner = ImageUrlSigner.NONE;
  Duration storeTimeout = QueryService.DEFAULT_STORE_TIMEOUT;
  AllowedBuckets buckets = AllowedBuckets.defaults();
  PerceptualHasher hasher;
  FaceReader faces = FaceReader.bundled();

  QueryServiceBuilder(ImageEmbedder embedder, VectorStore store) {
    this.embedder = embedder;
    this.store = store;
  }

  /** The object store behind {@code GET /v1/images/{id}/content}. */
  public QueryServiceBuilder contentSource(ImageContentSource contentSource) {
    this.contentSource = contentSource;
    return this;
  }

  /** Presigned object-store URLs for {@code GET /v1/images/{id}} and result thumbnails. */
  public QueryServiceBuilder urlSigner(ImageUrlSigner urlSigner) {
    this.urlSigner = urlSigner;
    return this;
  }

  /** The bound on each vector-store call; must be positive. */
  public QueryServiceBuilder storeTimeout(Duration storeTimeout) {
    this.storeTimeout = storeTimeout;
    return this;
  }

  /** The buckets whose objects are served and signed. */
  public QueryServiceBuilder allowedBuckets(AllowedBuckets buckets) {
    this.buckets = buckets;
    return this;
  }

  /** The perceptual hasher of near-duplicate searches (tests). */
  public QueryServiceBuilder hasher(PerceptualHasher hasher) {
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    return this;
  }

  /** What reads the faces of an uploaded photo for a face search (tests). */
  QueryServiceBuilder faceReader(FaceReader faces) {
    this.faces = Objects.requireNonNull(faces, "faces");
    return this;
  }

  /**
   * @throws IllegalArgumentException if the embedder's dimension differs from the collection's, or
   *     the store timeout is not positive
   */
  public QueryService build() {
    return new QueryService(this);
  }
}
