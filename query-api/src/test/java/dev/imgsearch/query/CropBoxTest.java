package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Rectangle;
import org.junit.jupiter.api.Test;

class CropBoxTest {
  @Test
  void aBoxParsesAndMapsToOutwardRoundedPixels() {
    float[] box = CropBox.parse(" 0.1, 0.25,0.5 ,1 ");
    assertThat(box).containsExactly(0.1f, 0.25f, 0.5f, 1f);
    assertThat(CropBox.pixels(box, 640, 480)).isEqualTo(new Rectangle(64, 120, 256, 360));
    assertThat(CropBox.pixels(new float[] {0.999f, 0f, 1f, 0.001f}, 100, 100))
        .isEqualTo(new Rectangle(99, 0, 1, 1));
    assertThat(CropBox.parse(null)).isNull();
    assertThat(CropBox.parse(" ")).isNull();
  }

  @Test
  void malformedBoxesAreRejectedWithAMessage() {
    for (String bad :
        new String[] {
          "0.1,0.2,0.3",
          "a,b,c,d",
          "0,0,1,1.5",
          "0.5,0,0.5,1",
          "0,0.6,1,0.5",
          "0,0,1,1,1",
          "NaN,0,1,1"
        }) {
      assertThatThrownBy(() -> CropBox.parse(bad))
          .as(bad)
          .isInstanceOf(InvalidQueryException.class)
          .hasMessageContaining("x0,y0,x1,y1");
    }
  }
}
