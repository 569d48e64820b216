package dev.imgsearch.cli.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code imgsearch bench} measures and how (the command's options; see {@code BenchCommand}
 * for each).
 *
 * @param milvusUri a running Milvus server, or null to start one when {@code vectorStore} is {@code
 *     milvus}
 * @param lookupCheck whether the freshness phase confirms images with GET by id instead of a
 *     filtered search
 * @param milvusConsistency null for the local stack's default
 * @param dataDir the scratch directory, kept afterwards; null for a temporary one, removed
 *     afterwards
 * @param markdown a file the result table is appended to, or null
 * @param watches watches armed before the warm-up (one matches every image), 0 for none
 */
public record BenchOptions(
    String vectorStore,
    String milvusUri,
    double rate,
    int seconds,
    int burst,
    int burstUploaders,
    Duration sweepInterval,
    boolean lookupCheck,
    String milvusConsistency,
    int warmUpSeconds,
    int queries,
    int width,
    int height,
    Duration checkpointInterval,
    Map<String, String> embedderOptions,
    Path dataDir,
    Path markdown,
    int watches) {
  /**
   * Images uploaded one after the other before the paced warm-up (JIT, ONNX session, first
   * checkpoint).
   */
  public static final int WARM_UP_IMAGES = 20;

  public BenchOptions {
    embedderOptions =
        Collections.unmodifiableMap(new LinkedHashMap<>(embedderOptions)); // keeps the given order
  }

  /** Images uploaded at {@link #rate} by the freshness phase. */
  public int freshCount() {
    return (int) Math.round(rate * seconds);
  }

  /** Images uploaded at {@link #rate} by the paced warm-up. */
  public int warmPacedCount() {
    return (int) Math.round(rate * warmUpSeconds);
  }

  /** Images of both warm-ups. */
  public int warmCount() {
    return WARM_UP_IMAGES + warmPacedCount();
  }

  /** Images the whole bench needs: uploads of every phase, then one per image query. */
  public int imageCount() {
    return warmCount() + freshCount() + burst + queries;
  }

  /** Whether the bench starts the Milvus server itself. */
  public boolean startsMilvus() {
    return vectorStore.equals("milvus") && milvusUri == null;
  }

  /**
   * The embedder options of the local stack: {@link #embedderOptions}, the checkpoint interval and
   * consistency.
   */
  public Map<String, String> embedderOverrides() {
    Map<String, String> overrides = new LinkedHashMap<>(embedderOptions);
    overrides.put("checkpoint.interval", checkpointInterval.toString());
    if (milvusConsistency != null) {
      overrides.put("milvus.consistency", milvusConsistency);
    }
    return overrides;
  }
}
