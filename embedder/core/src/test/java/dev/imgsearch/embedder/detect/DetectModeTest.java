package dev.imgsearch.embedder.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.model.OnnxOptions;
import org.junit.jupiter.api.Test;

class DetectModeTest {
  @Test
  void parsesTheSettingInAnyOrderAndCase() {
    assertThat(DetectMode.parse("none")).isEqualTo(DetectMode.NONE);
    assertThat(DetectMode.parse("objects")).isEqualTo(new DetectMode(true, false));
    assertThat(DetectMode.parse(" Faces , objects ")).isEqualTo(new DetectMode(true, true));
    assertThat(DetectMode.parse("objects,faces").toString()).isEqualTo("objects,faces");
    assertThat(DetectMode.parse("faces").toString()).isEqualTo("faces");
  }

  @Test
  void rejectsUnknownRepeatedOrContradictoryParts() {
    assertThatThrownBy(() -> DetectMode.parse("objects,cars"))
        .hasMessageContaining("unknown part 'cars'");
    assertThatThrownBy(() -> DetectMode.parse("objects,objects")).hasMessageContaining("twice");
    assertThatThrownBy(() -> DetectMode.parse("none,faces"))
        .hasMessageContaining("cannot be combined");
    assertThatThrownBy(() -> DetectMode.parse("")).hasMessageContaining("one of");
    assertThatThrownBy(() -> DetectMode.parse("objects,")).hasMessageContaining("unknown part ''");
  }

  @Test
  void frameDetectorRunsWhatTheModeAsksFor() {
    var photo = DetectorsOnPhotosTest.photo("messi5.jpg");
    try (FrameDetector none =
        FrameDetector.load(
            DetectMode.NONE,
            ObjectDetector.Options.DEFAULT,
            FaceDetector.Options.DEFAULT,
            OnnxOptions.DEFAULT)) {
      assertThat(none.detect(photo)).isEqualTo(FrameDetector.Result.EMPTY);
    }
    try (FrameDetector faces =
        FrameDetector.load(
            DetectMode.parse("faces"),
            ObjectDetector.Options.DEFAULT,
            FaceDetector.Options.DEFAULT,
            OnnxOptions.DEFAULT)) {
      FrameDetector.Result r = faces.detect(photo);
      assertThat(r.objects()).isEmpty();
      assertThat(r.faces()).hasSize(1);
      assertThat(r.faces().get(0).descriptor()).hasSize(FaceDescriber.DIMENSION);
    }
    try (FrameDetector both =
        FrameDetector.load(
            DetectMode.parse("objects,faces"),
            ObjectDetector.Options.DEFAULT,
            FaceDetector.Options.DEFAULT,
            OnnxOptions.DEFAULT)) {
      FrameDetector.Result r = both.detect(photo);
      assertThat(r.objects()).anyMatch(d -> d.label().equals("person"));
      assertThat(r.faces()).hasSize(1);
    }
  }
}
