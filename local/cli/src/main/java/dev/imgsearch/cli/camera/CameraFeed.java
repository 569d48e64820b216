package dev.imgsearch.cli.camera;

import dev.imgsearch.ingest.Frames;
import dev.imgsearch.schemas.ImageIds;

/**
 * One camera's replay of the footage: frame {@code i} is captured at {@code start + i / fps}, sent
 * with frame id {@code f<i>}, and stored by the ingest stream's claim-check under {@link
 * Frames#objectKey} in {@code bucket}, so its image id is known before it is sent. Pure.
 */
public record CameraFeed(String source, long startMillis, double fps, String bucket) {
  /** The capture time of frame {@code i}, epoch millis. */
  public long captureMillis(int i) {
    return startMillis + Math.round(i * 1000.0 / fps);
  }

  /** The id header of frame {@code i}. */
  public static String frameId(int i) {
    return String.format(java.util.Locale.ROOT, "f%06d", i);
  }

  /** The object key the claim-check writes frame {@code i} to. */
  public String key(int i) {
    return Frames.objectKey(source, captureMillis(i), frameId(i), "jpg");
  }

  /** The image id of frame {@code i} in the index. */
  public String imageId(int i) {
    return ImageIds.of(bucket, key(i));
  }

  /** Capture time of the last of {@code frames} frames + 1 ms: the exclusive end of the replay. */
  public long endMillis(int frames) {
    return captureMillis(frames - 1) + 1;
  }
}
