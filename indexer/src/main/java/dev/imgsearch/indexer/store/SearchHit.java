package dev.imgsearch.indexer.store;

/** A search result: the stored row's metadata (no vector) and its cosine similarity to the query. */
public record SearchHit(
    String id, float score, String bucket, String key, String source, long capturedAtMillis, java.util.List<String> tags) {}
