package dev.imgsearch.embedder.watch;

/**
 * What is matched against the watches: one image's embedding (unit length) and pHash, with what the
 * filters look at.
 *
 * @param vector L2-normalised embedding, or null when there is none
 * @param phash 64-bit DCT perceptual hash, or null when not computed
 */
public record WatchCandidate(
    String imageId,
    String source,
    long capturedAtMillis,
    String model,
    float[] vector,
    Long phash) {}
