package dev.imgsearch.cli.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code imgsearch bench --camera DIR} replays and how (see {@code BenchCommand} for each
 * option).
 *
 * @param frames the directory of the footage's JPEG frames, replayed in file-name order
 * @param fps frames per second of each camera
 * @param cameras sources replaying the same footage at once
 * @param people the hand-labelled people per frame ({@code frame,x,y} lines), or null: no search
 *     check
 * @param minPeopleShare the least share of search hits within the people's span for the check to
 *     pass
 * @param milvusUri a running Milvus server when {@code vectorStore} is {@code milvus}
 * @param dataDir the scratch directory, kept afterwards; null for a temporary one, removed
 * @param markdown a file the result table is appended to, or null
 */
public record CameraOptions(
    Path frames,
    double fps,
    int cameras,
    Path people,
    double minPeopleShare,
    String vectorStore,
    String milvusUri,
    Duration checkpointInterval,
    Duration sweepInterval,
    Map<String, String> embedderOptions,
    Path dataDir,
    Path markdown) {
  /** Frames of the footage published first on a source of their own, not measured. */
  public static final int WARM_UP_FRAMES = 20;

  public CameraOptions {
    if (!(fps > 0) || fps > 1000) {
      throw new IllegalArgumentException("--fps must be in (0, 1000], not " + fps);
    }
    if (cameras < 1 || cameras > 16) {
      throw new IllegalArgumentException("--cameras must be 1..16, not " + cameras);
    }
    if (!(minPeopleShare >= 0 && minPeopleShare <= 1)) {
      throw new IllegalArgumentException(
          "--min-people-share must be in [0, 1], not " + minPeopleShare);
    }
    if (people != null && !Files.isRegularFile(people)) {
      throw new IllegalArgumentException("--people: no such file: " + people);
    }
    if (vectorStore.equals("milvus") && milvusUri == null) {
      throw new IllegalArgumentException(
          "bench --camera with --vector-store milvus needs --milvus-uri (a running server)");
    }
    embedderOptions = Collections.unmodifiableMap(new LinkedHashMap<>(embedderOptions));
  }

  /** The source of camera {@code n} (0-based): {@code cam-1}, {@code cam-2}, … */
  public static String source(int n) {
    return "cam-" + (n + 1);
  }

  /**
   * The embedder options of the local stack: {@link #embedderOptions}, the checkpoint interval and
   * scene-change gating on (unless {@code gate.enabled} is given).
   */
  public Map<String, String> embedderOverrides() {
    Map<String, String> overrides = new LinkedHashMap<>(embedderOptions);
    overrides.putIfAbsent("gate.enabled", "true");
    overrides.put("checkpoint.interval", checkpointInterval.toString());
    return overrides;
  }
}
