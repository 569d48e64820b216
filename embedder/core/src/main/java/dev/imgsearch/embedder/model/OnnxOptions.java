package dev.imgsearch.embedder.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.Serializable;

/**
 * ONNX Runtime session settings. One session per Flink slot; each {@code run} uses up to {@code
 * intraOpThreads} threads (0: ONNX Runtime's default, one per physical core). With several slots
 * per TaskManager set it to {@code cores / slots} so sessions do not fight over cores.
 *
 * @param intraOpThreads threads inside one operator (convolution, matmul); 0 = ONNX Runtime default
 * @param interOpThreads threads running independent graph branches in parallel; 0 = sequential
 *     execution
 * @param allowSpinning ONNX Runtime's {@code session.intra_op.allow_spinning}: idle intra-op
 *     threads spin (ORT's default, lowest latency on idle cores) or sleep (leaves the cores to the
 *     decode threads; the job's default, option {@code onnx.allow-spinning})
 */
public record OnnxOptions(int intraOpThreads, int interOpThreads, boolean allowSpinning)
    implements Serializable {
  public static final OnnxOptions DEFAULT = new OnnxOptions(0, 0);

  /** With ONNX Runtime's default spinning (the query API, tests). */
  public OnnxOptions(int intraOpThreads, int interOpThreads) {
    this(intraOpThreads, interOpThreads, true);
  }

  public OnnxOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("ONNX thread counts must be ≥ 0");
    }
  }

  /** A session on the model {@code onnx} with these settings and every graph optimisation. */
  public OrtSession createSession(OrtEnvironment env, byte[] onnx) throws OrtException {
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (intraOpThreads > 0) {
        opts.setIntraOpNumThreads(intraOpThreads);
      }
      if (!allowSpinning) {
        opts.addConfigEntry("session.intra_op.allow_spinning", "0");
      }
      if (interOpThreads > 0) {
        opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.PARALLEL);
        opts.setInterOpNumThreads(interOpThreads);
      }
      return env.createSession(onnx, opts);
    }
  }
}
