package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.ImageIds;
import java.util.List;

/**
 * The searches: turns a query (an image, a stored image's id, a raw vector, or an image's
 * perceptual hash) into one vector-store call for {@code offset + k} neighbours, then hides the
 * query image from its own neighbours, applies the score threshold and cuts the page. Also looks up
 * stored rows by id. Every store call goes through {@link StoreCalls}.
 */
final class NeighbourSearch {

  private final ImageEmbedder embedder;
  private final VectorStore store;
  private final StoreCalls storeCalls;
  private final PerceptualHasher hasher;
  private final int dimension;

  NeighbourSearch(
      ImageEmbedder embedder,
      VectorStore store,
      StoreCalls storeCalls,
      PerceptualHasher hasher,
      int dimension) {
    this.embedder = embedder;
    this.store = store;
    this.storeCalls = storeCalls;
    this.hasher = hasher;
    this.dimension = dimension;
  }

  /**
   * Nearest stored images to an encoded query image, the decode and model run under a permit of
   * {@code decodes} (none when null; the store call never holds one).
   *
   * @throws ServerBusyException if no permit is free in time
   */
  SearchResult byImage(byte[] encodedImage, SearchParams params, PermitPool decodes)
      throws ImageRejectedException {
    long start = System.nanoTime();
    float[] vector;
    try (PermitPool.Permit permit = decodes == null ? null : decodes.acquire()) {
      vector = embedder.embed(encodedImage);
    }
    return search(start, vector, params, null);
  }

  /**
   * Stored images whose perceptual hash is within {@code maxDistance} bits of the query image's,
   * nearest first; the decode and hash run under a permit of {@code decodes} (none when null).
   *
   * @throws ServerBusyException if no permit is free in time
   */
  SearchResult nearDuplicates(
      byte[] encodedImage, SearchParams params, int maxDistance, PermitPool decodes)
      throws ImageRejectedException {
    long start = System.nanoTime();
    long phash;
    try (PermitPool.Permit permit = decodes == null ? null : decodes.acquire()) {
      phash = hasher.hash(encodedImage);
    }
    return nearDuplicates(start, phash, params, maxDistance);
  }

  /** Near-duplicates of a known perceptual hash, nearest first. */
  SearchResult nearDuplicates(long phash, SearchParams params, int maxDistance) {
    return nearDuplicates(System.nanoTime(), phash, params, maxDistance);
  }

  private SearchResult nearDuplicates(
      long start, long phash, SearchParams params, int maxDistance) {
    int window = params.offset() + params.k();
    List<SearchHit> hits =
        storeCalls.call(() -> store.nearDuplicates(phash, maxDistance, window, params.filter()));
    List<SearchHit> kept =
        hits.stream()
            .filter(hit -> params.accepts(hit.score()))
            .skip(params.offset())
            .limit(params.k())
            .toList();
    return new SearchResult(kept, PerceptualHasher.ID, System.nanoTime() - start);
  }

  /**
   * The model's vector and the perceptual hash of an encoded image, under a permit of {@code
   * decodes}.
   */
  dev.imgsearch.query.watch.WatchQuery probe(byte[] encodedImage, PermitPool decodes)
      throws ImageRejectedException {
    try (PermitPool.Permit permit = decodes.acquire()) {
      return new dev.imgsearch.query.watch.WatchQuery(
          embedder.modelId(), embedder.embed(encodedImage), hasher.hash(encodedImage));
    }
  }

  /** Nearest stored images to the stored image {@code id}, which is itself excluded. */
  SearchResult similarTo(String id, SearchParams params) {
    long start = System.nanoTime();
    VectorRecord record = find(id);
    return search(start, record.vector(), params, id);
  }

  /** Nearest stored images to a raw query vector, L2-normalised first. */
  SearchResult byVector(float[] vector, SearchParams params) {
    long start = System.nanoTime();
    return search(start, VectorMath.normalised(vector, dimension), params, null);
  }

  /**
   * The stored row of image {@code id}.
   *
   * @throws InvalidQueryException if {@code id} is not a well-formed image id
   * @throws NotFoundException if no image has this id
   */
  VectorRecord find(String id) {
    if (!ImageIds.isValid(id)) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER,
          "image id must be " + ImageIds.LENGTH + " lower-case hex characters, got '" + id + "'");
    }
    return storeCalls.call(() -> store.get(id)).orElseThrow(() -> NotFoundException.image(id));
  }

  /**
   * Asks the store for {@code offset + k} rows (one more when the query image must be excluded),
   * then drops the query image, applies the score threshold and cuts the page.
   */
  private SearchResult search(
      long startNanos, float[] vector, SearchParams params, String excludeId) {
    int window = params.offset() + params.k();
    int limit = excludeId == null ? window : window + 1;
    List<SearchHit> hits = storeCalls.call(() -> store.search(vector, limit, params.filter()));
    List<SearchHit> kept =
        hits.stream()
            .filter(hit -> !hit.id().equals(excludeId))
            .filter(hit -> params.accepts(hit.score()))
            .skip(params.offset())
            .limit(params.k())
            .toList();
    return new SearchResult(kept, embedder.modelId(), System.nanoTime() - startNanos);
  }
}
