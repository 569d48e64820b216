package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.embedder.image.DecodeLimits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptors drive real ONNX Runtime sessions: tiny "multiply by 2" models
 * (embedder/tools/test-models) make every option's effect exactly predictable.
 */
class ModelDescriptorTest {
  @TempDir Path dir;

  private Path model(String onnxResource, String json) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/test-models/" + onnxResource)) {
      Files.write(dir.resolve("m.onnx"), in.readAllBytes());
    }
    Files.writeString(dir.resolve("model.json"), json);
    return dir;
  }

  static BufferedImage solid(int w, int h, int rgb) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  @Test
  void defaultsOfAMinimalDescriptor() {
    ModelDescriptor d =
        ModelDescriptor.read(
            new ByteArrayInputStream(
                "{\"id\":\"m\",\"version\":\"2\",\"input\":\"x\",\"output\":\"y\",\"width\":224,\"height\":224,\"scale\":1,\"dimension\":512}"
                    .getBytes(StandardCharsets.UTF_8)));
    assertThat(d.tag()).isEqualTo("m@2");
    assertThat(d.file()).isEqualTo("model.onnx");
    assertThat(d.layout()).isEqualTo(ModelDescriptor.Layout.NCHW);
    assertThat(d.resize()).isEqualTo(ModelDescriptor.Resize.SHORTER_SIDE_CENTER_CROP);
    assertThat(d.resizeShorterSide()).isZero();
    assertThat(d.channelOrder()).isEqualTo(ModelDescriptor.ChannelOrder.RGB);
    assertThat(d.pooling()).isEqualTo(ModelDescriptor.Pooling.NONE);
    assertThat(d.gemP()).isEqualTo(3f);
    assertThat(d.maxBatch()).isZero();
    assertThat(d.mean()).containsExactly(0f, 0f, 0f);
    assertThat(d.std()).containsExactly(1f, 1f, 1f);
  }

  @Test
  void invalidDescriptorsFailWithTheFieldName() {
    String base =
        "\"id\":\"m\",\"version\":\"1\",\"input\":\"x\",\"output\":\"y\",\"width\":224,\"height\":224,\"scale\":1,\"dimension\":8";
    assertThatThrownBy(() -> read("{" + base + ",\"std\":[1,0,1]}")).hasMessageContaining("std");
    assertThatThrownBy(() -> read("{" + base + ",\"mean\":[1,2]}")).hasMessageContaining("mean");
    assertThatThrownBy(() -> read("{" + base + ",\"resizeShorterSide\":200}"))
        .hasMessageContaining("resizeShorterSide");
    assertThatThrownBy(() -> read("{" + base + ",\"pooling\":\"MAX\"}"))
        .hasMessageContaining("MAX");
    assertThatThrownBy(() -> read("{" + base.replace("\"id\":\"m\"", "\"id\":\"m@1\"") + "}"))
        .hasMessageContaining("id");
  }

  private static ModelDescriptor read(String json) {
    return ModelDescriptor.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nhwcBgrMeanStdAndAveragePoolingOfAFeatureMap() throws Exception {
    Path m =
        model(
            "nhwc-times-two.onnx",
            """
            {"id": "t", "version": "1", "file": "m.onnx", "input": "image", "output": "features",
             "layout": "NHWC", "width": 8, "height": 8, "resize": "SQUASH", "channelOrder": "BGR",
             "scale": 0.00392156862745098, "mean": [0.0, 0.5, 0.25], "std": [1.0, 0.5, 0.25],
             "pooling": "GAP", "outputLayout": "NHWC", "dimension": 3, "l2Normalize": false}
            """);
    try (OnnxImageEmbedder e =
        OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT)) {
      // R = 1, G = 128/255, B = 0 → channels B, G, R → ((0-0)/1, (0.502-0.5)/0.5, (1-0.25)/0.25) →
      // × 2
      float[] v = e.embedImages(List.of(solid(16, 16, 0xFF8000))).get(0);
      assertThat(v)
          .containsExactly(new float[] {0f, 2 * (128 / 255f - 0.5f) / 0.5f, 2 * 3f}, within(1e-5f));
      assertThat(e.modelId()).isEqualTo("t@1");
    }
  }

  @Test
  void generalisedMeanPoolingAndAFixedBatchOfOne() throws Exception {
    String json =
        """
        {"id": "g", "version": "1", "file": "m.onnx", "input": "image", "output": "features",
         "layout": "NCHW", "width": 8, "height": 8, "resize": "SQUASH", "scale": 0.00392156862745098,
         "pooling": "GEM", "gemP": 3, "maxBatch": MAXBATCH, "dimension": 3, "l2Normalize": false}
        """;
    Path m = model("nchw-batch1-times-two.onnx", json.replace("MAXBATCH", "0"));
    assertThatThrownBy(
            () -> OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT))
        .hasMessageContaining("fixed at 1")
        .hasMessageContaining("maxBatch");
    Files.writeString(m.resolve("model.json"), json.replace("MAXBATCH", "1"));
    // left half red, right half black: red channel = 2 on half the cells, 0 (→ 1e-6) on the other
    // half
    BufferedImage half = solid(8, 8, 0);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 4; x++) {
        half.setRGB(x, y, 0xFF0000);
      }
    }
    try (OnnxImageEmbedder e =
        OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT)) {
      List<float[]> v =
          e.embedImages(List.of(half, solid(8, 8, 0x0000FF), half)); // three calls of one
      assertThat(v).hasSize(3);
      assertThat(v.get(0)[0]).isCloseTo((float) Math.cbrt(0.5 * 8), within(1e-4f));
      assertThat(v.get(0)[1]).isCloseTo(1e-6f, within(1e-6f));
      assertThat(v.get(1)[2]).isCloseTo(2f, within(1e-5f));
      assertThat(v.get(2)).containsExactly(v.get(0), within(0f));
    }
  }

  @Test
  void aDescriptorThatContradictsTheModelFailsAtLoad() throws Exception {
    String good =
        """
        {"id": "t", "version": "1", "file": "m.onnx", "input": "image", "output": "features",
         "layout": "NHWC", "width": 8, "height": 8, "scale": 1, "pooling": "GAP", "outputLayout": "NHWC",
         "dimension": 3}
        """;
    Path m =
        model("nhwc-times-two.onnx", good.replace("\"input\": \"image\"", "\"input\": \"pixels\""));
    assertThatThrownBy(
            () -> OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT))
        .hasMessageContaining("'pixels'")
        .hasMessageContaining("image");
    Files.writeString(
        m.resolve("model.json"), good.replace("\"layout\": \"NHWC\"", "\"layout\": \"NCHW\""));
    assertThatThrownBy(
            () -> OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT))
        .hasMessageContaining("layout");
    Files.writeString(m.resolve("model.json"), good.replace("\"width\": 8", "\"width\": 224"));
    assertThatThrownBy(
            () -> OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT))
        .hasMessageContaining("width 224");
    Files.writeString(
        m.resolve("model.json"),
        good.replace("\"output\": \"features\"", "\"output\": \"logits\""));
    assertThatThrownBy(
            () -> OnnxImageEmbedder.fromDirectory(m, DecodeLimits.DEFAULT, OnnxOptions.DEFAULT))
        .hasMessageContaining("'logits'");
    Files.writeString(m.resolve("model.json"), good);
    try (OnnxImageEmbedder e =
        OnnxImageEmbedder.load(m.toString(), DecodeLimits.DEFAULT, OnnxOptions.DEFAULT)) {
      assertThat(e.dimension()).isEqualTo(3);
    }
  }
}
