package dev.imgsearch.embedder.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Describes how to feed an ONNX image model and read its embedding: stored as {@code model.json}
 * next to the {@code .onnx} file (see {@code embedder/README.md}, "Bring your own model"). The id
 * and version travel on every vector the model produces.
 *
 * @param id model id, e.g. {@code nsfwjs-mobilenetv2-b13}
 * @param version model version; {@code id@version} is stored with every vector
 * @param file the ONNX file, relative to the descriptor
 * @param description free text
 * @param input name of the image input (a 4-D float tensor)
 * @param output name of the output holding the features
 * @param layout input layout, {@code NCHW} (PyTorch exports) or {@code NHWC} (TensorFlow / Keras
 *     exports)
 * @param width input width in pixels
 * @param height input height in pixels
 * @param resize how an image of another shape becomes {@code width × height}
 * @param resizeShorterSide with {@code SHORTER_SIDE_CENTER_CROP}: first scale the shorter side to
 *     this many pixels, then crop the centre (torchvision's {@code Resize(256) + CenterCrop(224)});
 *     0: crop the largest centred region of the target's aspect ratio (same as {@code Resize(224) +
 *     CenterCrop(224)})
 * @param channelOrder {@code RGB} or {@code BGR} (Caffe-style exports)
 * @param scale factor applied to 8-bit values first ({@code 1/255} for [0,1] inputs, 1 for [0,255])
 * @param mean subtracted after scaling, per channel in the model's channel order (B, G, R for
 *     {@code BGR})
 * @param std divisor after subtracting the mean, in the same order as {@code mean}
 * @param pooling how the output tensor becomes one vector per image, see {@link Pooling}
 * @param gemP exponent of generalised-mean pooling (default 3)
 * @param outputLayout layout of a 4-D output feature map for {@code GAP}/{@code GEM}: {@code NCHW}
 *     or {@code NHWC}
 * @param maxBatch largest batch the model accepts (1 for exports with a fixed batch dimension); 0:
 *     any
 * @param dimension length of the vector after pooling
 * @param l2Normalize whether vectors are L2-normalised (should be true for cosine / inner-product
 *     search)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelDescriptor(
    String id,
    String version,
    String file,
    String description,
    String input,
    String output,
    Layout layout,
    int width,
    int height,
    Resize resize,
    int resizeShorterSide,
    ChannelOrder channelOrder,
    float scale,
    float[] mean,
    float[] std,
    Pooling pooling,
    float gemP,
    Layout outputLayout,
    int maxBatch,
    int dimension,
    boolean l2Normalize) {

  /** Tensor memory layout. */
  public enum Layout {
    NCHW,
    NHWC
  }

  /** How an image of another aspect ratio is brought to width × height. */
  public enum Resize {
    /** Scale so the image covers the target, then crop the centre. Keeps proportions. */
    SHORTER_SIDE_CENTER_CROP,
    /** Scale both axes independently to the target. Keeps all content. */
    SQUASH
  }

  /** Channel order the model expects. */
  public enum ChannelOrder {
    RGB,
    BGR
  }

  /** How the output becomes one vector per image. */
  public enum Pooling {
    /**
     * The output already is {@code [N, dimension]} (e.g. CLIP {@code image_embeds}, a pooled
     * ResNet).
     */
    NONE,
    /** Global average over the spatial grid of a 4-D feature map. */
    GAP,
    /**
     * Generalised mean {@code (mean(max(x, 1e-6)^p))^(1/p)} over the grid (better for retrieval; p
     * = gemP).
     */
    GEM,
    /** Token 0 of a {@code [N, tokens, dimension]} output (ViT / DINOv2 CLS token). */
    CLS,
    /** Mean over all tokens of a {@code [N, tokens, dimension]} output. */
    MEAN_TOKENS
  }

  public static final String DEFAULT_MODEL = "nsfwjs-mobilenetv2-b13";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public ModelDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    file = Objects.requireNonNullElse(file, "model.onnx");
    description = Objects.requireNonNullElse(description, "");
    layout = Objects.requireNonNullElse(layout, Layout.NCHW);
    resize = Objects.requireNonNullElse(resize, Resize.SHORTER_SIDE_CENTER_CROP);
    channelOrder = Objects.requireNonNullElse(channelOrder, ChannelOrder.RGB);
    pooling = Objects.requireNonNullElse(pooling, Pooling.NONE);
    outputLayout = Objects.requireNonNullElse(outputLayout, Layout.NCHW);
    gemP = gemP == 0 ? 3f : gemP;
    mean = mean == null ? new float[] {0, 0, 0} : mean;
    std = std == null ? new float[] {1, 1, 1} : std;
    if (id.isBlank() || id.contains("@") || version.isBlank()) {
      throw new IllegalArgumentException(
          "model descriptor: id (without '@') and version are required");
    }
    if (width <= 0 || height <= 0 || dimension <= 0 || scale <= 0) {
      throw new IllegalArgumentException(
          "model " + id + ": width, height, dimension and scale must be positive");
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("model " + id + ": mean and std need 3 values");
    }
    for (float s : std) {
      if (s == 0) {
        throw new IllegalArgumentException("model " + id + ": std must not be 0");
      }
    }
    if (resizeShorterSide < 0
        || (resizeShorterSide > 0
            && resizeShorterSide < Math.max(width, height)
            && resize == Resize.SHORTER_SIDE_CENTER_CROP)) {
      throw new IllegalArgumentException(
          "model "
              + id
              + ": resizeShorterSide must be 0 or ≥ the input size ("
              + Math.max(width, height)
              + ")");
    }
    if (maxBatch < 0 || gemP < 0) {
      throw new IllegalArgumentException(
          "model " + id + ": maxBatch and gemP must not be negative");
    }
  }

  /** {@code id@version}, the tag stored with every vector. */
  public String tag() {
    return id + "@" + version;
  }

  public static ModelDescriptor read(InputStream json) {
    try {
      return MAPPER.readValue(json, ModelDescriptor.class);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable model descriptor: " + e.getMessage(), e);
    }
  }
}
