package dev.imgsearch.embedder.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * Describes how to feed an ONNX image model and read its embedding: stored as {@code model.json} next to the
 * {@code .onnx} file. The id and version travel on every vector the model produces.
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
    ChannelOrder channelOrder,
    float scale,
    float[] mean,
    float[] std,
    int dimension,
    boolean l2Normalize) {

  /** Tensor memory layout of the model input. */
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

  public static final String DEFAULT_MODEL = "nsfwjs-mobilenetv2-b13";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public ModelDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    layout = Objects.requireNonNullElse(layout, Layout.NCHW);
    resize = Objects.requireNonNullElse(resize, Resize.SHORTER_SIDE_CENTER_CROP);
    channelOrder = Objects.requireNonNullElse(channelOrder, ChannelOrder.RGB);
    mean = mean == null ? new float[] {0, 0, 0} : mean;
    std = std == null ? new float[] {1, 1, 1} : std;
    if (width <= 0 || height <= 0 || dimension <= 0 || scale <= 0) {
      throw new IllegalArgumentException("model " + id + ": width, height, dimension and scale must be positive");
    }
    if (mean.length != 3 || std.length != 3) {
      throw new IllegalArgumentException("model " + id + ": mean and std need 3 values");
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
