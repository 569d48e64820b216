package dev.imgsearch.embedder.watch;

/**
 * Which way a group of vector watches (one model and dimension) is matched: brute force (every
 * watch's dot product) or the HNSW index ({@link AnnWatches}). The index pays off from {@code
 * annFrom} watches on (docs/benchmarks.md, "Matching cost per vector"); it is built only once the
 * group has gone unchanged for {@code buildAfterMatches} matches, so a burst of watch updates (the
 * watches topic read from its beginning while frames flow) costs brute-force matches, not one index
 * build per update. Immutable.
 *
 * @param annFrom fewest watches in a group for which the index is used
 * @param buildAfterMatches matches of an unchanged group by brute force before its index is built
 */
record MatchPath(int annFrom, long buildAfterMatches) {
  /**
   * Measured (docs/benchmarks.md): below about 1 000 watches brute force is as fast or faster; one
   * build of the index over 10 000 watches costs about as much as 4 000 brute-force matches of them
   * (3 900..9 300 in three runs; 1 000 watches: 760..1 500), so the index is built once brute force
   * has spent about that.
   */
  static final MatchPath DEFAULT = new MatchPath(1_000, 4_000);

  /** Brute force whatever the number of watches. */
  static final MatchPath BRUTE_FORCE = new MatchPath(Integer.MAX_VALUE, 0);

  /** The index whatever the number of watches, built at the first match. */
  static final MatchPath ANN = new MatchPath(1, 0);

  MatchPath {
    if (annFrom < 1 || buildAfterMatches < 0) {
      throw new IllegalArgumentException(
          "annFrom must be ≥ 1 and buildAfterMatches ≥ 0: " + annFrom + ", " + buildAfterMatches);
    }
  }

  /**
   * True when a group of {@code watches}, matched {@code matchesSinceChange} times since it last
   * changed, is to be matched through the index (building it first if it is not built).
   */
  boolean useAnn(int watches, long matchesSinceChange) {
    return watches >= annFrom && matchesSinceChange >= buildAfterMatches;
  }
}
