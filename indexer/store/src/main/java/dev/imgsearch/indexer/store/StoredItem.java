package dev.imgsearch.indexer.store;

/**
 * A stored object or face with what it inherits from its image: the parent image id and the image's
 * bucket, key, source and capture time (the filters of {@link SearchFilter} apply to these).
 */
public record StoredItem(
    String parentId,
    String bucket,
    String key,
    String source,
    long capturedAtMillis,
    DetectedItem item) {

  /** The item id ({@link DetectedItem#id(String)}). */
  public String id() {
    return item.id(parentId);
  }
}
