package dev.imgsearch.query.watch;

/**
 * What a watch compares new images with, resolved from a vector, a stored image or an uploaded
 * image.
 *
 * @param model model id of {@code vector}; null when there is no vector
 * @param vector null for a pHash-only query
 * @param phash null when unknown (a raw vector)
 */
public record WatchQuery(String model, float[] vector, Long phash) {}
