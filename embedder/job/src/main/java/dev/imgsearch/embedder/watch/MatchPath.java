package dev.imgsearch.embedder.watch;

/**
 * Which way a group of vector watches (one model and dimension) is matched: brute force (every
 * watch's dot product) or the HNSW index ({@link AnnWatches}). The index pays off from {@code
 * annFrom} watches on (docs/benchmarks.md, "Matching cost per vector"); its build (in the
 * background: brute force goes on meanwhile) starts only once the group has gone unchanged for
 * {@code buildAfterMatches} matches, so a burst of watch updates (the watches topic read from its
 * beginning while frames flow) does not start, and abandon, one build per update. Immutable.
 *
 * @param annFrom fewest watches in a group for which the index is used
 * @param buildAfterMatches matches of an unchanged group before its index build starts
 */
record MatchPath(int annFrom, long buildAfterMatches) {
  /**
   * Measured (docs/benchmarks.md): below about 1 000 watches brute force is as fast or faster. The
   * build runs off the matching thread, which matches by brute force (exact) until it is done, and
   * a watch change abandons it at its next row, so waiting no longer saves blocked matches: the
   * quiet period only has to outlast the gaps of an update burst. 200 brute-force matches of 10 000
   * watches take 1.7 s on an idle machine (8.4 ms each), about 10 s on the loaded benchmark
   * machine, against a build of 146..219 s there. Counted in matches, not time, so this stays pure.
   */
  static final MatchPath DEFAULT = new MatchPath(1_000, 200);

  /** Brute force whatever the number of watches. */
  static final MatchPath BRUTE_FORCE = new MatchPath(Integer.MAX_VALUE, 0);

  /** The index whatever the number of watches, its build started at the first match. */
  static final MatchPath ANN = new MatchPath(1, 0);

  MatchPath {
    if (annFrom < 1 || buildAfterMatches < 0) {
      throw new IllegalArgumentException(
          "annFrom must be ≥ 1 and buildAfterMatches ≥ 0: " + annFrom + ", " + buildAfterMatches);
    }
  }

  /**
   * True when a group of {@code watches}, matched {@code matchesSinceChange} times since it last
   * changed, is to be matched through the index (its build started if it is not built).
   */
  boolean useAnn(int watches, long matchesSinceChange) {
    return watches >= annFrom && matchesSinceChange >= buildAfterMatches;
  }
}
