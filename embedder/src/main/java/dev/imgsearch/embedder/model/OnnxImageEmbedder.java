package dev.imgsearch.embedder.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link ImageEmbedder} running an ONNX model described by a {@link ModelDescriptor} in ONNX Runtime (CPU). */
public final class OnnxImageEmbedder implements ImageEmbedder {
  private static final String RESOURCE_ROOT = "/models/";

  private final ModelDescriptor model;
  private final ImageDecoder decoder;
  private final Preprocessor preprocessor;
  private final OrtEnvironment env;
  private final OrtSession session;

  private OnnxImageEmbedder(ModelDescriptor model, byte[] onnx, DecodeLimits limits, int intraOpThreads) {
    this.model = model;
    this.decoder = new ImageDecoder(new DecodeLimits(limits.maxBytes(), limits.maxPixels(), Math.max(model.width(), model.height())));
    this.preprocessor = new Preprocessor(model);
    this.env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (intraOpThreads > 0) {
        opts.setIntraOpNumThreads(intraOpThreads);
      }
      this.session = env.createSession(onnx, opts);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load model " + model.tag() + ": " + e.getMessage(), e);
    }
  }

  /** Loads a model bundled on the classpath under {@code /models/<name>/}. */
  public static OnnxImageEmbedder fromClasspath(String name, DecodeLimits limits, int intraOpThreads) {
    ModelDescriptor descriptor;
    try (InputStream json = resource(name, "model.json")) {
      descriptor = ModelDescriptor.read(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (InputStream onnx = resource(name, descriptor.file())) {
      return new OnnxImageEmbedder(descriptor, onnx.readAllBytes(), limits, intraOpThreads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bundled default model with default limits. */
  public static OnnxImageEmbedder loadDefault() {
    return fromClasspath(ModelDescriptor.DEFAULT_MODEL, DecodeLimits.DEFAULT, 0);
  }

  private static InputStream resource(String name, String file) {
    InputStream in = OnnxImageEmbedder.class.getResourceAsStream(RESOURCE_ROOT + name + "/" + file);
    if (in == null) {
      throw new IllegalArgumentException("no bundled model '" + name + "' (missing " + RESOURCE_ROOT + name + "/" + file + ")");
    }
    return in;
  }

  public ModelDescriptor descriptor() {
    return model;
  }

  @Override
  public String modelId() {
    return model.tag();
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public float[] embed(byte[] encodedImage) throws ImageRejectedException {
    return embedAll(List.of(encodedImage)).get(0);
  }

  @Override
  public List<float[]> embedAll(List<byte[]> encodedImages) throws ImageRejectedException {
    List<BufferedImage> images = new ArrayList<>(encodedImages.size());
    for (byte[] bytes : encodedImages) {
      images.add(decoder.decode(bytes));
    }
    return embedImages(images);
  }

  /** Embeds decoded images in one model call. */
  public List<float[]> embedImages(List<BufferedImage> images) {
    int n = images.size();
    if (n == 0) {
      return List.of();
    }
    int size = preprocessor.imageSize();
    float[] batch = new float[n * size];
    for (int i = 0; i < n; i++) {
      preprocessor.fill(images.get(i), batch, i * size);
    }
    return infer(batch, n);
  }

  /** Runs the model on a ready tensor of {@code n} images; returns the (normalised, if configured) vectors. */
  public List<float[]> infer(float[] batch, int n) {
    long[] shape =
        model.layout() == ModelDescriptor.Layout.NCHW
            ? new long[] {n, 3, model.height(), model.width()}
            : new long[] {n, model.height(), model.width(), 3};
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(batch), shape);
        OrtSession.Result result = session.run(Map.of(model.input(), input))) {
      float[][] out = (float[][]) result.get(model.output()).orElseThrow(
          () -> new IllegalStateException("model has no output '" + model.output() + "'")).getValue();
      List<float[]> vectors = new ArrayList<>(n);
      for (float[] row : out) {
        if (row.length != model.dimension()) {
          throw new IllegalStateException(
              "model " + model.tag() + " produced " + row.length + " values, descriptor says " + model.dimension());
        }
        vectors.add(model.l2Normalize() ? Vectors.l2Normalize(row) : row);
      }
      return vectors;
    } catch (OrtException e) {
      throw new IllegalStateException("inference failed in " + model.tag() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
