package dev.imgsearch.embedder.detect;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imgsearch.embedder.model.OnnxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One ONNX Runtime session on a model bundled under {@code /models/<id>/model.onnx}: float32 in,
 * float32 out.
 */
final class OrtModel implements AutoCloseable {
  private final String id;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String inputName;

  private OrtModel(String id, byte[] onnx, OnnxOptions options) {
    this.id = id;
    this.env = OrtEnvironment.getEnvironment();
    try {
      this.session = options.createSession(env, onnx);
      this.inputName = session.getInputNames().iterator().next();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load model " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads {@code /models/<id>/model.onnx}; fails naming what is missing if the model lacks an
   * expected output.
   */
  static OrtModel bundled(String id, OnnxOptions options, String... outputs) {
    String path = "/models/" + id + "/model.onnx";
    OrtModel model;
    try (InputStream in = OrtModel.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled model " + path);
      }
      model = new OrtModel(id, in.readAllBytes(), options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      java.util.Set<String> names = model.session.getOutputNames();
      for (String o : outputs) {
        if (!names.contains(o)) {
          throw new IllegalStateException(
              "model " + id + " has no output " + o + " (outputs: " + names + ")");
        }
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  String id() {
    return id;
  }

  /** Runs the model; every output flattened, by name, in the model's output order. */
  Map<String, float[]> run(float[] input, long... shape) {
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
        FloatBuffer buffer = ((OnnxTensor) e.getValue()).getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        out.put(e.getKey(), values);
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close " + id, e);
    }
  }
}
