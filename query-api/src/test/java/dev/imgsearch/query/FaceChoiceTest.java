package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.query.FaceReader.QueryFace;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaceChoiceTest {
  private static final QueryFace LEFT = face(0.1f, 0.1f, 0.3f, 0.4f, 0.9f);
  private static final QueryFace RIGHT = face(0.6f, 0.2f, 0.8f, 0.5f, 0.7f);

  @Test
  void withoutABoxEveryFaceIsAQueryInOrder() {
    assertThat(FaceChoice.chosen(List.of(LEFT, RIGHT), null)).containsExactly(LEFT, RIGHT);
  }

  @Test
  void aBoxChoosesTheFaceItOverlapsMost() {
    assertThat(FaceChoice.chosen(List.of(LEFT, RIGHT), new float[] {0.5f, 0.1f, 0.9f, 0.6f}))
        .containsExactly(RIGHT);
    assertThat(FaceChoice.chosen(List.of(LEFT, RIGHT), new float[] {0.15f, 0.2f, 0.65f, 0.45f}))
        .as("overlapping both, more of the left")
        .containsExactly(LEFT);
  }

  @Test
  void noFaceOrNoneInTheBoxIsABadRequestSayingWhy() {
    assertThatThrownBy(() -> FaceChoice.chosen(List.of(), null))
        .isInstanceOfSatisfying(
            InvalidQueryException.class, e -> assertThat(e.code()).isEqualTo(FaceChoice.NO_FACE))
        .hasMessageContaining("no face found in the upload");
    assertThatThrownBy(
            () -> FaceChoice.chosen(List.of(LEFT, RIGHT), new float[] {0.4f, 0.6f, 0.5f, 0.9f}))
        .isInstanceOfSatisfying(
            InvalidQueryException.class, e -> assertThat(e.code()).isEqualTo(FaceChoice.NO_FACE))
        .hasMessageContaining("no face overlaps box=0.4,0.6,0.5,0.9")
        .hasMessageContaining("2 face(s) elsewhere");
  }

  private static QueryFace face(float x0, float y0, float x1, float y1, float score) {
    return new QueryFace(new Box(x0, y0, x1, y1), score, new float[] {1f, 0f});
  }
}
