package dev.imgsearch.indexer.store;

import java.util.Set;

/**
 * Restricts a search. Empty sets and null bounds mean "no restriction". {@code sources}: any of;
 * {@code tags}: any of; time bounds are inclusive {@code from} and exclusive {@code to}, epoch
 * millis of capturedAt.
 */
public record SearchFilter(Set<String> sources, Long fromMillis, Long toMillis, Set<String> tags) {
  public static final SearchFilter NONE = new SearchFilter(Set.of(), null, null, Set.of());

  public SearchFilter {
    sources = sources == null ? Set.of() : Set.copyOf(sources);
    tags = tags == null ? Set.of() : Set.copyOf(tags);
  }

  public boolean isEmpty() {
    return sources.isEmpty() && tags.isEmpty() && fromMillis == null && toMillis == null;
  }

  /** Evaluates the filter on one row, for stores that filter in Java. */
  public boolean matches(
      String source, long capturedAtMillis, java.util.Collection<String> rowTags) {
    if (!sources.isEmpty() && !sources.contains(source)) {
      return false;
    }
    if (fromMillis != null && capturedAtMillis < fromMillis) {
      return false;
    }
    if (toMillis != null && capturedAtMillis >= toMillis) {
      return false;
    }
    if (!tags.isEmpty() && rowTags.stream().noneMatch(tags::contains)) {
      return false;
    }
    return true;
  }
}
