package dev.imgsearch.indexer.store.lucene;

import dev.imgsearch.indexer.store.SearchFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;

/**
 * What the image and item reads of the embedded store share: a searcher acquired and released
 * around each read, and the {@link SearchFilter} clauses on their source, tags and capture-time
 * fields.
 */
final class LuceneSearches {
  private LuceneSearches() {}

  /** A read on an acquired searcher. */
  interface SearcherFunction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  /**
   * Runs {@code fn} on a searcher of {@code searchers}, always released; an I/O failure becomes an
   * {@link UncheckedIOException} whose message starts with {@code what} (e.g. "search failed").
   */
  static <T> T withSearcher(SearcherManager searchers, String what, SearcherFunction<T> fn) {
    try {
      IndexSearcher searcher = searchers.acquire();
      try {
        return fn.apply(searcher);
      } finally {
        searchers.release(searcher);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * Adds {@code filter}'s sources, tags and capture-time range (end exclusive) as FILTER clauses on
   * the given fields.
   */
  static void addFilterClauses(
      BooleanQuery.Builder b,
      SearchFilter filter,
      String sourceField,
      String tagsField,
      String capturedAtField) {
    if (!filter.sources().isEmpty()) {
      b.add(
          new TermInSetQuery(sourceField, filter.sources().stream().map(BytesRef::new).toList()),
          Occur.FILTER);
    }
    if (!filter.tags().isEmpty()) {
      b.add(
          new TermInSetQuery(tagsField, filter.tags().stream().map(BytesRef::new).toList()),
          Occur.FILTER);
    }
    if (filter.fromMillis() != null || filter.toMillis() != null) {
      long from = filter.fromMillis() == null ? Long.MIN_VALUE : filter.fromMillis();
      long to = filter.toMillis() == null ? Long.MAX_VALUE : filter.toMillis() - 1;
      b.add(LongPoint.newRangeQuery(capturedAtField, from, to), Occur.FILTER);
    }
  }
}
