package dev.imgsearch.indexer.store;

/**
 * An object or face search result.
 *
 * @param similarity cosine similarity of the item's vector to the query (higher is better); for
 *     {@link DetectedItemStore#imagesWithClass}, which has no query, the detector score
 */
public record ItemHit(StoredItem stored, float similarity) {}
