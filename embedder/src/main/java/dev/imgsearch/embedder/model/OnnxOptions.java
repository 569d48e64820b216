package dev.imgsearch.embedder.model;

import java.io.Serializable;

/**
 * ONNX Runtime session settings. One session per Flink slot; each {@code run} uses up to {@code intraOpThreads}
 * threads (0: ONNX Runtime's default, one per physical core). With several slots per TaskManager set it to
 * {@code cores / slots} so sessions do not fight over cores.
 *
 * @param intraOpThreads threads inside one operator (convolution, matmul); 0 = ONNX Runtime default
 * @param interOpThreads threads running independent graph branches in parallel; 0 = sequential execution
 */
public record OnnxOptions(int intraOpThreads, int interOpThreads) implements Serializable {
  public static final OnnxOptions DEFAULT = new OnnxOptions(0, 0);

  public OnnxOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("ONNX thread counts must be ≥ 0");
    }
  }
}
