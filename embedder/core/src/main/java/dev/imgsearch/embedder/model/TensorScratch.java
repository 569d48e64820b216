package dev.imgsearch.embedder.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The input tensor's memory, reused from one model call to the next: a heap array the {@link
 * Preprocessor} fills and a direct buffer in native order that ONNX Runtime reads in place. Built
 * per batch (a new array, then ONNX Runtime's own direct copy of a wrapped array: ≈ 0.6 MB each per
 * 224² image), they were the largest allocation of the pipeline under a burst (docs/benchmarks.md,
 * "Where the CPU goes"). One spare set is kept: a model call borrows it, or allocates its own while
 * another call holds it, so concurrent callers stay correct and the memory kept is one set of the
 * largest batch seen.
 */
final class TensorScratch {
  private final AtomicReference<Buffers> spare = new AtomicReference<>();

  /** Buffers of at least {@code floats} values: the spare set when free and large enough. */
  Buffers borrow(int floats) {
    Buffers b = spare.getAndSet(null);
    return b != null && b.array.length >= floats ? b : new Buffers(floats);
  }

  /** Returns a borrowed set; the larger one is kept when another call returned one meanwhile. */
  void giveBack(Buffers b) {
    Buffers kept = spare.getAndSet(b);
    if (kept != null && kept.array.length > b.array.length) {
      spare.compareAndSet(b, kept);
    }
  }

  static final class Buffers {
    private final float[] array;
    private final FloatBuffer direct;

    private Buffers(int floats) {
      array = new float[floats];
      direct =
          ByteBuffer.allocateDirect(floats * Float.BYTES)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
    }

    /** The array to fill; only the first values of a call are read, the rest is stale. */
    float[] array() {
      return array;
    }

    /** The first {@code floats} values of {@link #array()} in the direct buffer, position 0. */
    FloatBuffer tensor(int floats) {
      FloatBuffer view = direct.duplicate();
      view.clear();
      view.put(array, 0, floats);
      view.flip();
      return view;
    }
  }
}
