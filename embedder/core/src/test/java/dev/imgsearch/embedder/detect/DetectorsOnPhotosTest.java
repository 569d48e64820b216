package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.embedder.model.Vectors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The detectors on real photos (opencv-doc samples): people and faces are found where they are. */
class DetectorsOnPhotosTest extends WithBundledDetectors {
  static BufferedImage photo(String name) {
    try (InputStream in =
        DetectorsOnPhotosTest.class.getResourceAsStream("/photos-detect/" + name)) {
      return ImageIO.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void findsThePlayerInMessi5WithABoxAroundHim() {
    List<Detection> found = objects.detect(photo("messi5.jpg"));
    System.out.println("messi5 objects: " + found);
    Detection person =
        found.stream().filter(d -> d.label().equals("person")).findFirst().orElseThrow();
    // the player spans roughly x 70..460, y 60..335 of 548x342
    assertThat(person.box().x0()).isBetween(0.05f, 0.25f);
    assertThat(person.box().x1()).isBetween(0.70f, 0.90f);
    assertThat(person.box().y0()).isBetween(0.10f, 0.30f);
    assertThat(person.box().y1()).isGreaterThan(0.85f);
    assertThat(found)
        .anyMatch(
            d -> d.label().equals("sports ball") && d.box().x0() > 0.55f && d.box().y0() > 0.75f);
  }

  @Test
  void findsBothPlayersInBasketball1() {
    List<Detection> found = objects.detect(photo("basketball1.jpg"));
    System.out.println("basketball1 objects: " + found);
    List<Detection> people = found.stream().filter(d -> d.classId() == 0).toList();
    // left man x 35..160 of 640; right man x 440..640
    assertThat(people)
        .anyMatch(
            d ->
                d.box().x0() < 0.1f
                    && d.box().x1() > 0.2f
                    && d.box().x1() < 0.35f
                    && d.box().height() > 0.7f);
    assertThat(people).anyMatch(d -> d.box().x0() > 0.6f && d.box().height() > 0.7f);
  }

  @Test
  void classAllowListDropsOtherClasses() {
    try (ObjectDetector ballsOnly =
        ObjectDetector.load(
            ObjectDetector.Options.DEFAULT.withClasses(Set.of(CocoClasses.id("sports ball"))),
            OnnxOptions.DEFAULT)) {
      List<Detection> found = ballsOnly.detect(photo("messi5.jpg"));
      assertThat(found).isNotEmpty().allMatch(d -> d.label().equals("sports ball"));
    }
  }

  @Test
  void findsFaces() {
    List<Detection> messi = faces.detect(photo("messi5.jpg"));
    List<Detection> left = faces.detect(photo("basketball1.jpg"));
    System.out.println("messi5 faces: " + messi);
    System.out.println("basketball1 faces: " + left);
    // Messi's face (brows to chin): about x 215..265, y 85..140 of 548x342
    assertThat(messi).hasSize(1);
    Box face = messi.get(0).box();
    assertThat(face.x0()).isBetween(0.37f, 0.43f);
    assertThat(face.x1()).isBetween(0.45f, 0.50f);
    assertThat(face.y0()).isBetween(0.22f, 0.32f);
    assertThat(face.y1()).isBetween(0.35f, 0.43f);
    assertThat(messi.get(0).score()).isGreaterThan(0.7f);
    // the left player's face: about x 65..105, y 95..135 of 640x480 (the right one looks away: no
    // face)
    assertThat(left).hasSize(1);
    assertThat(left.get(0).box().x0()).isBetween(0.09f, 0.13f);
    assertThat(left.get(0).box().x1()).isBetween(0.14f, 0.18f);
    assertThat(left.get(0).box().y0()).isBetween(0.18f, 0.24f);
    assertThat(left.get(0).box().y1()).isBetween(0.25f, 0.30f);
  }

  @Test
  void theSameFaceAlteredIsCloserToItselfThanToOtherFaces() throws IOException {
    BufferedImage messi5 = photo("messi5.jpg");
    Box messi = faces.detect(messi5).get(0).box();
    BufferedImage bb1 = photo("basketball1.jpg");
    Box player = faces.detect(bb1).get(0).box();
    float[] original = describer.describe(messi5, List.of(messi)).get(0);
    float[] other = describer.describe(bb1, List.of(player)).get(0);

    BufferedImage rescaled =
        ImageTensors.fit(messi5, Letterbox.stretch(548, 342), 400); // squashed to 400x400
    BufferedImage brightened = brighten(messi5, 1.3f, 30);
    BufferedImage reencoded = jpeg(messi5, 0.5f);
    BufferedImage cropped = messi5.getSubimage(100, 0, 300, 250);
    List<float[]> altered =
        List.of(
            describer.describe(rescaled, List.of(faces.detect(rescaled).get(0).box())).get(0),
            describer.describe(brightened, List.of(faces.detect(brightened).get(0).box())).get(0),
            describer.describe(reencoded, List.of(faces.detect(reencoded).get(0).box())).get(0),
            describer.describe(cropped, List.of(faces.detect(cropped).get(0).box())).get(0));
    double toOther = Vectors.cosine(original, other);
    for (float[] a : altered) {
      System.out.printf(
          "same face altered %.4f vs other face %.4f%n", Vectors.cosine(original, a), toOther);
      assertThat(Vectors.cosine(original, a)).isGreaterThan(toOther + 0.05);
    }
  }

  @Test
  void thePlayerInTwoFramesIsCloserToHimselfThanToAnotherPerson() {
    BufferedImage bb1 = photo("basketball1.jpg");
    BufferedImage bb2 = photo("basketball2.jpg");
    BufferedImage messi5 = photo("messi5.jpg");
    float[] frame1 = describer.describe(bb1, List.of(faces.detect(bb1).get(0).box())).get(0);
    float[] frame2 = describer.describe(bb2, List.of(faces.detect(bb2).get(0).box())).get(0);
    float[] messi = describer.describe(messi5, List.of(faces.detect(messi5).get(0).box())).get(0);
    System.out.printf(
        "player frame1~frame2 %.4f, frame1~messi %.4f, frame2~messi %.4f%n",
        Vectors.cosine(frame1, frame2),
        Vectors.cosine(frame1, messi),
        Vectors.cosine(frame2, messi));
    assertThat(Vectors.cosine(frame1, frame2)).isGreaterThan(Vectors.cosine(frame1, messi) + 0.1);
    assertThat(Vectors.cosine(frame1, frame2)).isGreaterThan(Vectors.cosine(frame2, messi) + 0.1);
  }

  @Test
  void facesOfAFrameAreDescribedInOneBatchLikeOneByOne() {
    BufferedImage bb1 = photo("basketball1.jpg");
    Box face = faces.detect(bb1).get(0).box();
    Box elsewhere = new Box(0.5f, 0.1f, 0.6f, 0.25f);
    List<float[]> batch = describer.describe(bb1, List.of(elsewhere, face));
    assertThat(Vectors.cosine(batch.get(1), describer.describe(bb1, List.of(face)).get(0)))
        .isGreaterThan(0.99999);
    assertThat(describer.describe(bb1, List.of())).isEmpty();
  }

  static BufferedImage brighten(BufferedImage src, float gain, int bias) {
    BufferedImage out =
        new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < src.getHeight(); y++) {
      for (int x = 0; x < src.getWidth(); x++) {
        int p = src.getRGB(x, y);
        int r = Math.min(255, (int) (((p >> 16) & 0xff) * gain + bias));
        int g = Math.min(255, (int) (((p >> 8) & 0xff) * gain + bias));
        int b = Math.min(255, (int) ((p & 0xff) * gain + bias));
        out.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return out;
  }

  static BufferedImage jpeg(BufferedImage src, float quality) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new javax.imageio.IIOImage(src, null, null), param);
    } finally {
      writer.dispose();
    }
    return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
  }
}
