package dev.imgsearch.embedder.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@link ImageEmbedder} running an ONNX model described by a {@link ModelDescriptor} in ONNX
 * Runtime (CPU). The descriptor is checked against the model's own input and output metadata when
 * the session is created, so a wrong name, layout or size fails at start-up with a message, not on
 * the first image. Thread-safe (ONNX Runtime sessions are).
 */
public final class OnnxImageEmbedder implements ImageEmbedder {
  private static final String RESOURCE_ROOT = "/models/";

  private final ModelDescriptor model;

  /** {@link ModelDescriptor#tag()}, asked for once per embedded image. */
  private final String modelTag;

  private final ImageDecoder decoder;
  private final Preprocessor preprocessor;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final TensorScratch scratch = new TensorScratch();

  private OnnxImageEmbedder(
      ModelDescriptor model, byte[] onnx, DecodeLimits limits, OnnxOptions options) {
    this.model = model;
    this.modelTag = model.tag();
    this.decoder =
        new ImageDecoder(
            new DecodeLimits(
                limits.maxBytes(),
                limits.maxPixels(),
                limits.targetShorterSide() == 0
                    ? 0
                    : Math.max(
                        Math.max(model.width(), model.height()), model.resizeShorterSide())));
    this.preprocessor = new Preprocessor(model);
    this.env = OrtEnvironment.getEnvironment();
    try {
      this.session = options.createSession(env, onnx);
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot load model " + model.tag() + ": " + e.getMessage(), e);
    }
    try {
      validate(model, session);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Loads a model bundled on the classpath under {@code /models/<name>/}. */
  public static OnnxImageEmbedder fromClasspath(
      String name, DecodeLimits limits, int intraOpThreads) {
    return fromClasspath(name, limits, new OnnxOptions(intraOpThreads, 0));
  }

  /** Loads a model bundled on the classpath under {@code /models/<name>/}. */
  public static OnnxImageEmbedder fromClasspath(
      String name, DecodeLimits limits, OnnxOptions options) {
    ModelDescriptor descriptor;
    try (InputStream json = resource(name, "model.json")) {
      descriptor = ModelDescriptor.read(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (InputStream onnx = resource(name, descriptor.file())) {
      return new OnnxImageEmbedder(descriptor, onnx.readAllBytes(), limits, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads {@code dir/model.json} and the ONNX file it names (relative to {@code dir}). */
  public static OnnxImageEmbedder fromDirectory(
      Path dir, DecodeLimits limits, OnnxOptions options) {
    Path json = dir.resolve("model.json");
    try (InputStream in = Files.newInputStream(json)) {
      ModelDescriptor descriptor = ModelDescriptor.read(in);
      return new OnnxImageEmbedder(
          descriptor, Files.readAllBytes(dir.resolve(descriptor.file())), limits, options);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model from " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code model} is either a directory holding {@code model.json} (a model you bring) or the name
   * of a bundled model ({@code nsfwjs-mobilenetv2-b13}).
   */
  public static OnnxImageEmbedder load(String model, DecodeLimits limits, OnnxOptions options) {
    Path dir = Path.of(model);
    if (Files.isRegularFile(dir.resolve("model.json"))) {
      return fromDirectory(dir, limits, options);
    }
    return fromClasspath(model, limits, options);
  }

  /** The bundled default model with default limits. */
  public static OnnxImageEmbedder loadDefault() {
    return fromClasspath(ModelDescriptor.DEFAULT_MODEL, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT);
  }

  private static InputStream resource(String name, String file) {
    InputStream in = OnnxImageEmbedder.class.getResourceAsStream(RESOURCE_ROOT + name + "/" + file);
    if (in == null) {
      throw new IllegalArgumentException(
          "no bundled model '"
              + name
              + "' (missing "
              + RESOURCE_ROOT
              + name
              + "/"
              + file
              + ") and no directory of that name holding a model.json");
    }
    return in;
  }

  /**
   * Fails with a message naming the descriptor field when the model's metadata contradicts the
   * descriptor.
   */
  static void validate(ModelDescriptor m, OrtSession session) {
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      Map<String, NodeInfo> outputs = session.getOutputInfo();
      NodeInfo in = inputs.get(m.input());
      if (in == null) {
        throw new IllegalArgumentException(
            "model "
                + m.tag()
                + ": descriptor input '"
                + m.input()
                + "' not in the model; inputs: "
                + inputs.keySet());
      }
      if (!outputs.containsKey(m.output())) {
        throw new IllegalArgumentException(
            "model "
                + m.tag()
                + ": descriptor output '"
                + m.output()
                + "' not in the model; outputs: "
                + outputs.keySet());
      }
      if (in.getInfo() instanceof TensorInfo t) {
        long[] s = t.getShape();
        if (s.length != 4) {
          throw new IllegalArgumentException(
              "model "
                  + m.tag()
                  + ": input '"
                  + m.input()
                  + "' has shape "
                  + Arrays.toString(s)
                  + ", expected 4-D");
        }
        boolean nchw = m.layout() == ModelDescriptor.Layout.NCHW;
        long c = nchw ? s[1] : s[3];
        long h = nchw ? s[2] : s[1];
        long w = nchw ? s[3] : s[2];
        if (c != 3 && c != -1) {
          throw new IllegalArgumentException(
              "model "
                  + m.tag()
                  + ": input shape "
                  + Arrays.toString(s)
                  + " has "
                  + c
                  + " channels where layout "
                  + m.layout()
                  + " puts them; check 'layout'");
        }
        if ((h > 0 && h != m.height()) || (w > 0 && w != m.width())) {
          throw new IllegalArgumentException(
              "model "
                  + m.tag()
                  + ": input shape "
                  + Arrays.toString(s)
                  + " does not match width "
                  + m.width()
                  + " × height "
                  + m.height()
                  + " ("
                  + m.layout()
                  + ")");
        }
        if (s[0] > 0 && (m.maxBatch() == 0 || m.maxBatch() > s[0])) {
          throw new IllegalArgumentException(
              "model "
                  + m.tag()
                  + ": the model's batch dimension is fixed at "
                  + s[0]
                  + "; set \"maxBatch\": "
                  + s[0]);
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException(
          "cannot read the metadata of model " + m.tag() + ": " + e.getMessage(), e);
    }
  }

  public ModelDescriptor descriptor() {
    return model;
  }

  /** The decoder with this model's limits (subsampling down to twice the model's input size). */
  public ImageDecoder decoder() {
    return decoder;
  }

  @Override
  public String modelId() {
    return modelTag;
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

  /**
   * {@code image} resized to this model's input ({@link Preprocessor#resize(BufferedImage)}), for
   * {@link #embedModelInputs}. Thread-safe: lets callers resize on their own threads, ahead of the
   * model call.
   */
  public BufferedImage modelInput(BufferedImage image) {
    return preprocessor.resize(image);
  }

  /** Embeds decoded images, in model calls of at most {@code maxBatch} images. */
  public List<float[]> embedImages(List<BufferedImage> images) {
    return embed(images, false);
  }

  /** As {@link #embedImages} for images already {@link #modelInput resized} to the model input. */
  public List<float[]> embedModelInputs(List<BufferedImage> inputs) {
    return embed(inputs, true);
  }

  private List<float[]> embed(List<BufferedImage> images, boolean resized) {
    int n = images.size();
    if (n == 0) {
      return List.of();
    }
    int chunk = model.maxBatch() > 0 ? model.maxBatch() : n;
    int size = preprocessor.imageSize();
    List<float[]> vectors = new ArrayList<>(n);
    TensorScratch.Buffers buffers = scratch.borrow(Math.min(chunk, n) * size);
    try {
      for (int from = 0; from < n; from += chunk) {
        int count = Math.min(chunk, n - from);
        float[] batch = buffers.array();
        for (int i = 0; i < count; i++) {
          if (resized) {
            preprocessor.fillResized(images.get(from + i), batch, i * size);
          } else {
            preprocessor.fill(images.get(from + i), batch, i * size);
          }
        }
        vectors.addAll(run(buffers.tensor(count * size), count));
      }
    } finally {
      scratch.giveBack(buffers);
    }
    return vectors;
  }

  /**
   * Runs the model on a ready tensor of {@code n} images; returns the pooled (and normalised, if
   * configured) vectors.
   */
  public List<float[]> infer(float[] batch, int n) {
    return run(FloatBuffer.wrap(batch), n);
  }

  private List<float[]> run(FloatBuffer batch, int n) {
    long[] shape =
        model.layout() == ModelDescriptor.Layout.NCHW
            ? new long[] {n, 3, model.height(), model.width()}
            : new long[] {n, model.height(), model.width(), 3};
    try (OnnxTensor input = OnnxTensor.createTensor(env, batch, shape);
        OrtSession.Result result = session.run(Map.of(model.input(), input))) {
      OnnxTensor out =
          (OnnxTensor)
              result
                  .get(model.output())
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "model has no output '" + model.output() + "'"));
      long[] outShape = out.getInfo().getShape();
      FloatBuffer buffer = out.getFloatBuffer();
      float[] data = new float[buffer.remaining()];
      buffer.get(data);
      float[][] pooled =
          Pooling.apply(data, outShape, model.pooling(), model.gemP(), model.outputLayout());
      List<float[]> vectors = new ArrayList<>(n);
      for (float[] row : pooled) {
        if (row.length != model.dimension()) {
          throw new IllegalStateException(
              "model "
                  + model.tag()
                  + " produced "
                  + row.length
                  + " values, descriptor says "
                  + model.dimension());
        }
        vectors.add(model.l2Normalize() ? Vectors.l2Normalize(row) : row);
      }
      return vectors;
    } catch (OrtException e) {
      throw new IllegalStateException(
          "inference failed in " + model.tag() + ": " + e.getMessage(), e);
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
