package dev.imgsearch.indexer.store;

import java.util.Objects;
import java.util.Set;

/**
 * Restricts an object or face search: the image's {@link SearchFilter} (source, capture time, tags
 * of the parent image) and the item's class labels (any of; empty = any class).
 */
public record ItemFilter(SearchFilter image, Set<String> labels) {
  public static final ItemFilter NONE = new ItemFilter(SearchFilter.NONE, Set.of());

  public ItemFilter {
    image = Objects.requireNonNullElse(image, SearchFilter.NONE);
    labels = labels == null ? Set.of() : Set.copyOf(labels);
  }

  /** Only these class labels, no other restriction. */
  public static ItemFilter labels(Set<String> labels) {
    return new ItemFilter(SearchFilter.NONE, labels);
  }

  /**
   * Evaluates the filter on one stored item and its image's tags, for stores that filter in Java.
   */
  public boolean matches(StoredItem s, java.util.Collection<String> imageTags) {
    return (labels.isEmpty() || labels.contains(s.item().label()))
        && image.matches(s.source(), s.capturedAtMillis(), imageTags);
  }
}
