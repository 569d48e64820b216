package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.ImageIds;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search use case, independent of HTTP: embeds query images with the same model the indexer uses, asks the vector
 * store for nearest neighbours, applies the score threshold and hides the query image from its own neighbours.
 *
 * <p>Failures of the vector store or the object store surface as {@link StoreUnavailableException}; unknown ids as
 * {@link NotFoundException}; caller mistakes as {@link InvalidQueryException}; unusable images as
 * {@link ImageRejectedException}. Every vector-store call is bounded by the store timeout (default {@link
 * #DEFAULT_STORE_TIMEOUT}): one that does not answer in time surfaces as {@link StoreTimeoutException} (504) while it
 * finishes in the background; at most {@value #MAX_CONCURRENT_STORE_CALLS} store calls run at once (more are refused
 * with {@link StoreUnavailableException}). Thread-safe. The embedder, store and content source are borrowed: {@link #close()}
 * releases only this service's own readiness-probe thread.
 */
public final class QueryService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);

  /** Bound on store calls for {@link #stats()}' newest capture time (it converges in far fewer). */
  static final int NEWEST_CAPTURE_MAX_PROBES = 128;

  /** Rows looked at per freshness probe. */
  static final int NEWEST_CAPTURE_SAMPLE = 100;

  /** Bound on each vector-store call unless configured otherwise. */
  public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofSeconds(10);

  /** Store calls in flight at once (timed-out calls included until they return). */
  static final int MAX_CONCURRENT_STORE_CALLS = 256;

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
  private final ImageContentSource contentSource;
  private final ImageUrlSigner urlSigner;
  private final AllowedBuckets buckets;
  private final int dimension;
  private final PerceptualHasher hasher;
  private final Duration storeTimeout;
  private final ThreadPoolExecutor storeExecutor;
  private final AtomicBoolean modelChecked = new AtomicBoolean();
  private final ExecutorService probeExecutor =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "query-store-probe");
            t.setDaemon(true);
            return t;
          });

  /** A service that serves no image content ({@link ImageContentSource#NONE}). */
  public QueryService(ImageEmbedder embedder, VectorStore store) {
    this(embedder, store, ImageContentSource.NONE);
  }

  /**
   * @throws IllegalArgumentException if the embedder's dimension differs from the collection's
   */
  public QueryService(ImageEmbedder embedder, VectorStore store, ImageContentSource contentSource) {
    this(embedder, store, contentSource, ImageUrlSigner.NONE);
  }

  /**
   * A service that also hands out presigned object-store URLs ({@code GET /v1/images/{id}}, result thumbnails).
   *
   * @throws IllegalArgumentException if the embedder's dimension differs from the collection's
   */
  public QueryService(
      ImageEmbedder embedder, VectorStore store, ImageContentSource contentSource, ImageUrlSigner urlSigner) {
    this(embedder, store, contentSource, urlSigner, DEFAULT_STORE_TIMEOUT);
  }

  /**
   * A service whose vector-store calls are bounded by {@code storeTimeout}.
   *
   * @throws IllegalArgumentException if the embedder's dimension differs from the collection's, or the timeout is not
   *     positive
   */
  public QueryService(
      ImageEmbedder embedder,
      VectorStore store,
      ImageContentSource contentSource,
      ImageUrlSigner urlSigner,
      Duration storeTimeout) {
    this(embedder, store, contentSource, urlSigner, storeTimeout, AllowedBuckets.defaults());
  }

  /**
   * A service that serves content and signs URLs only for objects in {@code buckets} (the shorter constructors allow
   * {@link AllowedBuckets#defaults()}).
   *
   * @throws IllegalArgumentException if the embedder's dimension differs from the collection's, or the timeout is not
   *     positive
   */
  public QueryService(
      ImageEmbedder embedder,
      VectorStore store,
      ImageContentSource contentSource,
      ImageUrlSigner urlSigner,
      Duration storeTimeout,
      AllowedBuckets buckets) {
    this(embedder, store, contentSource, urlSigner, storeTimeout, buckets, PerceptualHasher.forEmbedder(embedder));
  }

  /** As above with {@link AllowedBuckets#defaults()} and the perceptual hasher of near-duplicate searches given (tests). */
  public QueryService(
      ImageEmbedder embedder,
      VectorStore store,
      ImageContentSource contentSource,
      ImageUrlSigner urlSigner,
      Duration storeTimeout,
      PerceptualHasher hasher) {
    this(embedder, store, contentSource, urlSigner, storeTimeout, AllowedBuckets.defaults(), hasher);
  }

  /** As above, with the allowed buckets and the perceptual hasher of near-duplicate searches given. */
  public QueryService(
      ImageEmbedder embedder,
      VectorStore store,
      ImageContentSource contentSource,
      ImageUrlSigner urlSigner,
      Duration storeTimeout,
      AllowedBuckets buckets,
      PerceptualHasher hasher) {
    this.buckets = Objects.requireNonNull(buckets, "buckets");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
    this.storeTimeout = Objects.requireNonNull(storeTimeout, "storeTimeout");
    if (storeTimeout.isNegative() || storeTimeout.isZero()) {
      throw new IllegalArgumentException("storeTimeout must be positive, got " + storeTimeout);
    }
    AtomicInteger threads = new AtomicInteger();
    this.storeExecutor =
        new ThreadPoolExecutor(
            0,
            MAX_CONCURRENT_STORE_CALLS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "query-store-call-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.store = Objects.requireNonNull(store, "store");
    this.contentSource = Objects.requireNonNull(contentSource, "contentSource");
    this.urlSigner = Objects.requireNonNull(urlSigner, "urlSigner");
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
  }

  /** Id of the embedding model, reported with every result. */
  public String modelId() {
    return embedder.modelId();
  }

  /** The buckets whose objects are served and signed. */
  public AllowedBuckets allowedBuckets() {
    return buckets;
  }

  /** The bound on each vector-store call. */
  public Duration storeTimeout() {
    return storeTimeout;
  }

  /** Vector dimension of the collection. */
  public int dimension() {
    return dimension;
  }

  /** Nearest stored images to an encoded query image. */
  public SearchResult searchByImage(byte[] encodedImage, SearchParams params) throws ImageRejectedException {
    long start = System.nanoTime();
    float[] vector = embedder.embed(encodedImage);
    return search(start, vector, params, null);
  }

  /**
   * {@link #searchByImage(byte[], SearchParams)} with the decode and the model run under a permit of {@code decodes}
   * (the store call is not).
   *
   * @throws ServerBusyException if no permit is free in time
   */
  SearchResult searchByImage(byte[] encodedImage, SearchParams params, PermitPool decodes)
      throws ImageRejectedException {
    long start = System.nanoTime();
    float[] vector;
    try (PermitPool.Permit permit = decodes.acquire()) {
      vector = embedder.embed(encodedImage);
    }
    return search(start, vector, params, null);
  }

  /**
   * Near-duplicates of an encoded query image: stored images whose perceptual hash is within Hamming distance {@code
   * maxDistance} of the query's, nearest first; every hit carries its {@link SearchHit#distance()} and scores {@code 1
   * - distance / 64}. The hash is computed like the embedder job's ({@link PerceptualHasher}); no model runs.
   *
   * @throws InvalidQueryException if {@code maxDistance} is outside 0..{@value #MAX_MAX_DISTANCE}
   */
  public SearchResult nearDuplicates(byte[] encodedImage, SearchParams params, int maxDistance)
      throws ImageRejectedException {
    return nearDuplicates(encodedImage, params, maxDistance, null);
  }

  /**
   * {@link #nearDuplicates(byte[], SearchParams, int)} with the decode and hash under a permit of {@code decodes} (none
   * when null).
   *
   * @throws ServerBusyException if no permit is free in time
   */
  SearchResult nearDuplicates(byte[] encodedImage, SearchParams params, int maxDistance, PermitPool decodes)
      throws ImageRejectedException {
    long start = System.nanoTime();
    checkMaxDistance(maxDistance);
    long phash;
    if (decodes == null) {
      phash = hasher.hash(encodedImage);
    } else {
      try (PermitPool.Permit permit = decodes.acquire()) {
        phash = hasher.hash(encodedImage);
      }
    }
    int window = params.offset() + params.k();
    List<SearchHit> hits = callStore(() -> store.nearDuplicates(phash, maxDistance, window, params.filter()));
    List<SearchHit> kept =
        hits.stream()
            .filter(hit -> params.accepts(hit.score()))
            .skip(params.offset())
            .limit(params.k())
            .toList();
    return new SearchResult(kept, PerceptualHasher.ID, System.nanoTime() - start);
  }

  /** @throws InvalidQueryException if {@code maxDistance} is outside 0..{@value #MAX_MAX_DISTANCE} */
  static void checkMaxDistance(int maxDistance) {
    if (maxDistance < 0 || maxDistance > MAX_MAX_DISTANCE) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "maxDistance must be between 0 and " + MAX_MAX_DISTANCE + ", got " + maxDistance);
    }
  }

  /**
   * Nearest stored images to the stored image {@code id}, which is itself excluded.
   *
   * @throws InvalidQueryException if {@code id} is not a well-formed image id
   * @throws NotFoundException if no image has this id
   */
  public SearchResult similarTo(String id, SearchParams params) {
    long start = System.nanoTime();
    VectorRecord record = find(id);
    return search(start, record.vector(), params, id);
  }

  /**
   * Nearest stored images to a raw query vector; it is L2-normalised first, so any non-zero scale works.
   *
   * @throws InvalidQueryException if the dimension is wrong or the vector is zero or not finite
   */
  public SearchResult searchByVector(float[] vector, SearchParams params) {
    long start = System.nanoTime();
    return search(start, VectorMath.normalised(vector, dimension), params, null);
  }

  /**
   * Opens the stored bytes of image {@code id}; the caller closes the stream.
   *
   * @throws NotFoundException if the id is unknown, no object store is configured or the object is gone
   * @throws ContentForbiddenException if the image's bucket is not one of the allowed buckets
   */
  public ImageContentSource.Content content(String id) {
    VectorRecord record = find(id);
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
   * The stored row of image {@code id} with a download URL: presigned by the {@link ImageUrlSigner} if it signs, else
   * this API's own {@code /v1/images/{id}/content}.
   *
   * @throws InvalidQueryException if {@code id} is malformed
   * @throws NotFoundException if no image has this id
   */
  public ImageDetails image(String id, Duration expiry) {
    VectorRecord record = find(id);
    return new ImageDetails(record, url(record.id(), record.bucket(), record.key(), expiry));
  }

  /**
   * Where a client downloads an image: a presigned object-store URL, or this API's content path. Objects outside the
   * allowed buckets are never signed (their content path answers 403).
   */
  public ImageUrl url(String id, String bucket, String key, Duration expiry) {
    if (!buckets.allows(bucket)) {
      return new ImageUrl(contentPath(id), null);
    }
    Optional<String> signed;
    try {
      signed = urlSigner.presignGet(bucket, key, expiry);
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("cannot presign an object-store URL: " + e.getMessage(), e);
    }
    return signed
        .map(u -> new ImageUrl(u, System.currentTimeMillis() + expiry.toMillis()))
        .orElseGet(() -> new ImageUrl(contentPath(id), null));
  }

  /**
   * {@link #url} for a search result: if signing fails the result points to this API's content path instead of failing
   * the whole search.
   */
  public String resultUrl(String id, String bucket, String key, Duration expiry) {
    try {
      return url(id, bucket, key, expiry).url();
    } catch (StoreUnavailableException e) {
      LOG.warn("presigning {}/{} failed, pointing to the content path: {}", bucket, key, e.getMessage());
      return contentPath(id);
    }
  }

  private static String contentPath(String id) {
    return "/v1/images/" + id + "/content";
  }

  /**
   * Size and freshness of the index: the row count and the newest capture time of any row.
   *
   * @throws StoreUnavailableException if the store fails
   */
  public IndexStats stats() {
    // One deadline for the whole request: the probes are up to NEWEST_CAPTURE_MAX_PROBES sequential store calls, and
    // a store that answers each just within the timeout must not hold the request for 128 timeouts.
    long deadline = System.nanoTime() + storeTimeout.toNanos();
    long count = callStore(store::count, deadline);
    OptionalLong newest;
    try {
      newest =
          count == 0
              ? OptionalLong.empty()
              : NewestCapture.find(
                  from -> callStore(() -> anyCapturedAtOrAfter(from), deadline), NEWEST_CAPTURE_MAX_PROBES);
    } catch (IllegalStateException e) { // the store answered inconsistently
      throw new StoreUnavailableException("vector store failed: " + e.getMessage(), e);
    }
    return new IndexStats(count, newest.isPresent() ? newest.getAsLong() : null, embedder.modelId());
  }

  /**
   * Readiness probe: counts the store's rows and, until it first succeeds, embeds a small generated image, giving up
   * after {@code timeout}.
   *
   * @return the row count
   * @throws StoreUnavailableException if the store or the model fails or does not answer in time (code
   *     {@value StoreUnavailableException#STORE} or {@value StoreUnavailableException#MODEL})
   */
  public long checkReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = withTimeout(store::count, timeout, StoreUnavailableException.STORE, "vector store");
    if (!modelChecked.get()) {
      Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
      withTimeout(this::embedProbeImage, left, StoreUnavailableException.MODEL, "embedding model");
      modelChecked.set(true);
    }
    return count;
  }

  /** {@link #checkReady} without the model check, for callers that only care about the store. */
  public long checkStore(Duration timeout) {
    return withTimeout(store::count, timeout, StoreUnavailableException.STORE, "vector store");
  }

  private <T> T withTimeout(Callable<T> call, Duration timeout, String code, String what) {
    Future<T> future = probeExecutor.submit(call);
    try {
      return future.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreUnavailableException(code, what + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException(code, what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new StoreUnavailableException(code, "interrupted while probing the " + what, e);
    }
  }

  private Boolean embedProbeImage() throws ImageRejectedException {
    float[] vector = embedder.embed(ProbeImage.PNG);
    if (vector.length != dimension) {
      throw new IllegalStateException("the model produced " + vector.length + " components instead of " + dimension);
    }
    return Boolean.TRUE;
  }

  /** The newest capture time among up to {@value #NEWEST_CAPTURE_SAMPLE} rows captured at or after {@code fromMillis}. */
  private OptionalLong anyCapturedAtOrAfter(long fromMillis) {
    float[] axis = new float[dimension];
    axis[0] = 1f;
    List<SearchHit> hits =
        store.search(axis, NEWEST_CAPTURE_SAMPLE, new SearchFilter(Set.of(), fromMillis, null, Set.of()));
    return hits.stream().mapToLong(SearchHit::capturedAtMillis).max().stream().findFirst();
  }

  /** Stops the readiness-probe thread; the embedder and store stay open. */
  @Override
  public void close() {
    probeExecutor.shutdownNow();
    storeExecutor.shutdown();
  }

  private VectorRecord find(String id) {
    if (!ImageIds.isValid(id)) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "image id must be " + ImageIds.LENGTH + " lower-case hex characters, got '" + id + "'");
    }
    return callStore(() -> store.get(id)).orElseThrow(() -> NotFoundException.image(id));
  }

  /**
   * Asks the store for {@code offset + k} rows (one more when the query image must be excluded), then drops the query
   * image, applies the score threshold and cuts the page.
   */
  private SearchResult search(long startNanos, float[] vector, SearchParams params, String excludeId) {
    int window = params.offset() + params.k();
    int limit = excludeId == null ? window : window + 1;
    List<SearchHit> hits = callStore(() -> store.search(vector, limit, params.filter()));
    List<SearchHit> kept =
        hits.stream()
            .filter(hit -> !hit.id().equals(excludeId))
            .filter(hit -> params.accepts(hit.score()))
            .skip(params.offset())
            .limit(params.k())
            .toList();
    return new SearchResult(kept, embedder.modelId(), System.nanoTime() - startNanos);
  }

  /**
   * Runs one vector-store call on the store threads, waiting at most {@link #storeTimeout}. A call that times out is
   * not interrupted (an interrupt can close a Lucene index's file channels); it finishes in the background.
   */
  private <T> T callStore(Supplier<T> call) {
    return callStore(call, System.nanoTime() + storeTimeout.toNanos());
  }

  /** {@link #callStore(Supplier)} waiting at most until {@code deadlineNanos} ({@link System#nanoTime()}). */
  private <T> T callStore(Supplier<T> call, long deadlineNanos) {
    long waitNanos = deadlineNanos - System.nanoTime();
    if (waitNanos <= 0) {
      throw new StoreTimeoutException(
          "vector store did not answer within " + storeTimeout.toMillis() + " ms", null);
    }
    Future<T> future;
    try {
      future = storeExecutor.submit(call::get);
    } catch (RejectedExecutionException e) {
      throw new StoreUnavailableException(
          "vector store busy: " + MAX_CONCURRENT_STORE_CALLS + " calls in flight", e);
    }
    try {
      return future.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new StoreTimeoutException(
          "vector store did not answer within " + storeTimeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      throw new StoreUnavailableException("vector store failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new StoreUnavailableException("interrupted while waiting for the vector store", e);
    }
  }
}
