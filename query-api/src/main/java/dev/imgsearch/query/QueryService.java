package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The search use case, independent of HTTP: embeds query images with the same model the indexer
 * uses, asks the vector store for nearest neighbours, applies the score threshold and hides the
 * query image from its own neighbours.
 *
 * <p>Failures of the vector store or the object store surface as {@link StoreUnavailableException};
 * unknown ids as {@link NotFoundException}; caller mistakes as {@link InvalidQueryException};
 * unusable images as {@link ImageRejectedException}. Every vector-store call is bounded by the
 * store timeout ({@link StoreCalls}, default {@link #DEFAULT_STORE_TIMEOUT}). Download URLs and
 * content come from {@link ImageLinks}, {@link #stats()} from {@link IndexStatistics}, {@link
 * #checkReady} from {@link Readiness}. Thread-safe. The embedder, store and content source are
 * borrowed: {@link #close()} releases only this service's own threads. Built with {@link #builder}.
 */
public final class QueryService implements AutoCloseable {

  /** Bound on each vector-store call unless configured otherwise. */
  public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(10);

  /** Default radius of {@link #nearDuplicates}. */
  public static final int DEFAULT_MAX_DISTANCE = 10;

  /** Largest radius of {@link #nearDuplicates}: beyond 32 of 64 bits, unrelated images match. */
  public static final int MAX_MAX_DISTANCE = 32;

  /**
   * A stored image and where to download it.
   *
   * @param record the stored row (vector included)
   */
  public record ImageDetails(VectorRecord record, ImageUrl url) {}

  /**
   * A download URL.
   *
   * @param expiresAtMillis when a presigned URL stops working; null for this API's own content path
   */
  public record ImageUrl(String url, Long expiresAtMillis) {}

  /**
   * @param newestCapturedAtMillis newest capture time of any row; null when the store is empty
   */
  public record IndexStats(long count, Long newestCapturedAtMillis, String model) {}

  private final ImageEmbedder embedder;
  private final VectorStore store;
  private final int dimension;
  private final StoreCalls storeCalls;
  private final NeighbourSearch search;
  private final ImageLinks links;
  private final IndexStatistics statistics;
  private final Readiness readiness;
  private final ObjectQueries objects;

  /**
   * @throws IllegalArgumentException if the embedder's dimension differs from the collection's, or
   *     the store timeout is not positive
   */
  QueryService(QueryServiceBuilder b) {
    AllowedBuckets buckets = Objects.requireNonNull(b.buckets, "buckets");
    PerceptualHasher hasher =
        b.hasher != null ? b.hasher : PerceptualHasher.forEmbedder(b.embedder);
    this.storeCalls = new StoreCalls(Objects.requireNonNull(b.storeTimeout, "storeTimeout"));
    this.embedder = Objects.requireNonNull(b.embedder, "embedder");
    VectorStore store = Objects.requireNonNull(b.store, "store");
    this.store = store;
    this.links =
        new ImageLinks(
            buckets,
            Objects.requireNonNull(b.contentSource, "contentSource"),
            Objects.requireNonNull(b.urlSigner, "urlSigner"));
    this.dimension = store.spec().dimension();
    if (embedder.dimension() != dimension) {
      throw new IllegalArgumentException(
          "embedder "
              + embedder.modelId()
              + " produces "
              + embedder.dimension()
              + "-d vectors but collection "
              + store.spec().name()
              + " has dimension "
              + dimension);
    }
    this.search = new NeighbourSearch(embedder, store, storeCalls, hasher, dimension);
    this.statistics = new IndexStatistics(store, storeCalls, dimension, embedder.modelId());
    this.readiness = new Readiness(embedder, store, dimension);
    this.objects = new ObjectQueries(store, storeCalls, embedder, b.faces);
  }

  /**
   * A builder for a service over {@code embedder} and {@code store}; everything else has a default.
   */
  public static QueryServiceBuilder builder(ImageEmbedder embedder, VectorStore store) {
    return new QueryServiceBuilder(embedder, store);
  }

  /** Id of the embedding model, reported with every result. */
  public String modelId() {
    return embedder.modelId();
  }

  /** The buckets whose objects are served and signed. */
  public AllowedBuckets allowedBuckets() {
    return links.buckets();
  }

  /** The bound on each vector-store call. */
  public Duration storeTimeout() {
    return storeCalls.timeout();
  }

  /** Vector dimension of the collection. */
  public int dimension() {
    return dimension;
  }

  /** Nearest stored images to an encoded query image. */
  public SearchResult searchByImage(byte[] encodedImage, SearchParams params)
      throws ImageRejectedException {
    return search.byImage(encodedImage, params, null);
  }

  /**
   * {@link #searchByImage(byte[], SearchParams)} with the decode and the model run under a permit
   * of {@code decodes} (the store call is not).
   *
   * @throws ServerBusyException if no permit is free in time
   */
  SearchResult searchByImage(byte[] encodedImage, SearchParams params, PermitPool decodes)
      throws ImageRejectedException {
    return search.byImage(encodedImage, params, decodes);
  }

  /**
   * Near-duplicates of an encoded query image: stored images whose perceptual hash is within
   * Hamming distance {@code maxDistance} of the query's, nearest first; every hit carries its
   * {@link dev.imgsearch.indexer.store.SearchHit#distance()} and scores {@code 1 - distance / 64}.
   * The hash is computed like the embedder job's ({@link PerceptualHasher}); no model runs.
   *
   * @throws InvalidQueryException if {@code maxDistance} is outside 0..{@value #MAX_MAX_DISTANCE}
   */
  public SearchResult nearDuplicates(byte[] encodedImage, SearchParams params, int maxDistance)
      throws ImageRejectedException {
    return nearDuplicates(encodedImage, params, maxDistance, null);
  }

  /**
   * {@link #nearDuplicates(byte[], SearchParams, int)} with the decode and hash under a permit of
   * {@code decodes} (none when null).
   *
   * @throws ServerBusyException if no permit is free in time
   */
  SearchResult nearDuplicates(
      byte[] encodedImage, SearchParams params, int maxDistance, PermitPool decodes)
      throws ImageRejectedException {
    checkMaxDistance(maxDistance);
    return search.nearDuplicates(encodedImage, params, maxDistance, decodes);
  }

  /**
   * Near-duplicates of a known perceptual hash (a watch's), as {@link #nearDuplicates(byte[],
   * SearchParams, int)}.
   *
   * @throws InvalidQueryException if {@code maxDistance} is outside 0..{@value #MAX_MAX_DISTANCE}
   */
  SearchResult nearDuplicates(long phash, SearchParams params, int maxDistance) {
    checkMaxDistance(maxDistance);
    return search.nearDuplicates(phash, params, maxDistance);
  }

  /**
   * @throws InvalidQueryException if {@code maxDistance} is outside 0..{@value #MAX_MAX_DISTANCE}
   */
  static void checkMaxDistance(int maxDistance) {
    if (maxDistance < 0 || maxDistance > MAX_MAX_DISTANCE) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "maxDistance must be between 0 and " + MAX_MAX_DISTANCE + ", got " + maxDistance);
    }
  }

  /** The object and face queries, on the same store and store timeout. */
  ObjectQueries objects() {
    return objects;
  }

  /**
   * Nearest stored images to the stored image {@code id}, which is itself excluded.
   *
   * @throws InvalidQueryException if {@code id} is not a well-formed image id
   * @throws NotFoundException if no image has this id
   */
  public SearchResult similarTo(String id, SearchParams params) {
    return search.similarTo(id, params);
  }

  /**
   * Nearest stored images to a raw query vector; it is L2-normalised first, so any non-zero scale
   * works.
   *
   * @throws InvalidQueryException if the dimension is wrong or the vector is zero or not finite
   */
  public SearchResult searchByVector(float[] vector, SearchParams params) {
    return search.byVector(vector, params);
  }

  /**
   * The model's vector and the perceptual hash of an uploaded image (a watch's query), decoded
   * under a permit.
   *
   * @throws ServerBusyException if no permit is free in time
   */
  dev.imgsearch.query.watch.WatchQuery probe(byte[] encodedImage, PermitPool decodes)
      throws ImageRejectedException {
    return search.probe(encodedImage, decodes);
  }

  /**
   * The stored row of image {@code id}.
   *
   * @throws InvalidQueryException if {@code id} is malformed
   * @throws NotFoundException if no image has this id
   */
  VectorRecord stored(String id) {
    return search.find(id);
  }

  /**
   * Opens the stored bytes of image {@code id}; the caller closes the stream.
   *
   * @throws NotFoundException if the id is unknown, no object store is configured or the object is
   *     gone
   * @throws ContentForbiddenException if the image's bucket is not one of the allowed buckets
   */
  public ImageContentSource.Content content(String id) {
    return links.open(id, search.find(id));
  }

  /**
   * The stored row of image {@code id} with a download URL: presigned by the {@link ImageUrlSigner}
   * if it signs, else this API's own {@code /v1/images/{id}/content}.
   *
   * @throws InvalidQueryException if {@code id} is malformed
   * @throws NotFoundException if no image has this id
   */
  public ImageDetails image(String id, Duration expiry) {
    VectorRecord record = search.find(id);
    return new ImageDetails(record, links.url(record.id(), record.bucket(), record.key(), expiry));
  }

  /**
   * Where a client downloads an image: a presigned object-store URL, or this API's content path.
   * Objects outside the allowed buckets are never signed (their content path answers 403).
   */
  public ImageUrl url(String id, String bucket, String key, Duration expiry) {
    return links.url(id, bucket, key, expiry);
  }

  /**
   * {@link #url} for a search result: if signing fails the result points to this API's content path
   * instead of failing the whole search.
   */
  public String resultUrl(String id, String bucket, String key, Duration expiry) {
    return links.resultUrl(id, bucket, key, expiry);
  }

  /**
   * The newest rows passing the listing's filter, newest first ({@link RecentRows#newest}); all
   * scans of one request share one store timeout.
   */
  public RecentRows.Listing newest(ListingParams.Listing params) {
    long deadline = storeCalls.deadline();
    try {
      return RecentRows.newest(
          (filter, k) -> storeCalls.call(() -> scan(filter, k), deadline),
          params.filter(),
          params.limit(),
          ListingParams.LISTING_SCAN_BOUND);
    } catch (IllegalStateException e) { // the store answered inconsistently
      throw new StoreUnavailableException("vector store failed: " + e.getMessage(), e);
    }
  }

  /**
   * Rows per interval of the timeline's window ({@link RecentRows#count}), with one store timeout.
   */
  public RecentRows.Counts timeline(ListingParams.Timeline params) {
    return RecentRows.count(
        (filter, k) -> storeCalls.call(() -> scan(filter, k)),
        params.filter(),
        params.fromMillis(),
        params.toMillis(),
        params.intervalMillis(),
        ListingParams.COUNT_SCAN_BOUND);
  }

  private List<SearchHit> scan(SearchFilter filter, int k) {
    float[] axis = new float[dimension];
    axis[0] = 1f;
    return store.search(axis, k, filter);
  }

  /**
   * Size and freshness of the index: the row count and the newest capture time of any row.
   *
   * @throws StoreUnavailableException if the store fails
   */
  public IndexStats stats() {
    return statistics.stats();
  }

  /**
   * Readiness probe: counts the store's rows and, until it first succeeds, embeds a small generated
   * image, giving up after {@code timeout}.
   *
   * @return the row count
   * @throws StoreUnavailableException if the store or the model fails or does not answer in time
   *     (code {@value StoreUnavailableException#STORE} or {@value StoreUnavailableException#MODEL})
   */
  public long checkReady(Duration timeout) {
    return readiness.checkReady(timeout);
  }

  /** {@link #checkReady} without the model check, for callers that only care about the store. */
  public long checkStore(Duration timeout) {
    return readiness.checkStore(timeout);
  }

  /**
   * Stops the readiness-probe thread and lets store calls in flight finish; the embedder and store
   * stay open.
   */
  @Override
  public void close() {
    readiness.close();
    storeCalls.close();
  }
}
