package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageIdsTest {

  @Test
  void isDeterministicHexOfFixedLength() {
    String id = ImageIds.of("images", "cam 1/a.jpg");
    assertThat(id)
        .isEqualTo(ImageIds.of("images", "cam 1/a.jpg"))
        .hasSize(32)
        .matches("[0-9a-f]{32}");
    assertThat(ImageIds.isValid(id)).isTrue();
  }

  @Test
  void knownValueIsStableAcrossReleases() {
    // First 128 bits of sha256("images/a.jpg") (computed with sha256sum). Ids are persisted in the
    // stores,
    // so this value must never change.
    assertThat(ImageIds.of("images", "a.jpg")).isEqualTo("32f7e84ed700cc22cce767359acc1987");
  }

  @Test
  void bucketAndKeyBothMatter() {
    assertThat(ImageIds.of("a", "b/c")).isNotEqualTo(ImageIds.of("a", "b/d"));
    assertThat(ImageIds.of("a", "x")).isNotEqualTo(ImageIds.of("b", "x"));
  }

  @Test
  void rejectsInvalidInput() {
    assertThatThrownBy(() -> ImageIds.of("", "k")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageIds.of("a/b", "k")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageIds.of("a", "")).isInstanceOf(IllegalArgumentException.class);
    assertThat(ImageIds.isValid("XYZ")).isFalse();
    assertThat(ImageIds.isValid("0123456789abcdef0123456789abcdeG")).isFalse();
  }
}
