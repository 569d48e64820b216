package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.ImageIds;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The search use case, independent of HTTP: embeds query images with the same model the indexer uses, asks the vector
 * store for nearest neighbours, applies the score threshold and hides the query image from its own neighbours.
 *
 * <p>Failures of the vector store or the object store surface as {@link StoreUnavailableException}; unknown ids as
 * {@link NotFoundException}; caller mistakes as {@link InvalidQueryException}; unusable images as
 * {@link ImageRejectedException}. Thread-safe. The embedder, store and content source are borrowed: {@link #close()}
 * releases only this service's own readiness-probe thread.
 */
public final class QueryService implements AutoCloseable {

  private final ImageEmbedder embedder;
  private final VectorStore store;
  private final ImageContentSource contentSource;
  private final int dimension;
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
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.store = Objects.requireNonNull(store, "store");
    this.contentSource = Objects.requireNonNull(contentSource, "contentSource");
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
   */
  public ImageContentSource.Content content(String id) {
    VectorRecord record = find(id);
    Optional<ImageContentSource.Content> content;
    try {
      content = contentSource.open(record.bucket(), record.key());
    } catch (IOException | RuntimeException e) {
      throw new StoreUnavailableException("object store failed: " + e.getMessage(), e);
    }
    return content.orElseThrow(() -> NotFoundException.content(id));
  }

  /**
   * Readiness probe: counts the store's rows, giving up after {@code timeout}.
   *
   * @return the row count
   * @throws StoreUnavailableException if the store fails or does not answer in time
   */
  public long checkStore(Duration timeout) {
    Future<Long> count = probeExecutor.submit(store::count);
    try {
      return count.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      count.cancel(true);
      throw new StoreUnavailableException("vector store did not answer within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException("vector store failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      count.cancel(true);
      throw new StoreUnavailableException("interrupted while probing the vector store", e);
    }
  }

  /** Stops the readiness-probe thread; the embedder and store stay open. */
  @Override
  public void close() {
    probeExecutor.shutdownNow();
  }

  private VectorRecord find(String id) {
    if (!ImageIds.isValid(id)) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "image id must be " + ImageIds.LENGTH + " lower-case hex characters, got '" + id + "'");
    }
    return callStore(() -> store.get(id)).orElseThrow(() -> NotFoundException.image(id));
  }

  /** Searches one extra row when the query image must be excluded, so k results remain. */
  private SearchResult search(long startNanos, float[] vector, SearchParams params, String excludeId) {
    int limit = excludeId == null ? params.k() : params.k() + 1;
    List<SearchHit> hits = callStore(() -> store.search(vector, limit, params.filter()));
    List<SearchHit> kept =
        hits.stream()
            .filter(hit -> !hit.id().equals(excludeId))
            .filter(hit -> params.accepts(hit.score()))
            .limit(params.k())
            .toList();
    return new SearchResult(kept, embedder.modelId(), System.nanoTime() - startNanos);
  }

  private static <T> T callStore(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw new StoreUnavailableException("vector store failed: " + e.getMessage(), e);
    }
  }
}
