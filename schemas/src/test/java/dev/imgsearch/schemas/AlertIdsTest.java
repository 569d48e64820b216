package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertIdsTest {

  @Test
  void knownValuesAreStableAcrossReleases() {
    // first 128 bits of sha256 of "watch-1\nimg-1" and "watch-1\nimg-1\n3" (computed with
    // sha256sum); consumers
    // de-duplicate by these ids, so they must never change
    assertThat(AlertIds.of("watch-1", "img-1")).isEqualTo("133bf501a0daef5c242c309618aff17d");
    assertThat(AlertIds.of("watch-1", "img-1", 3)).isEqualTo("941041d53ace217c5a24747bc73af38c");
  }

  @Test
  void everyPartMatters() {
    String id = AlertIds.of("w", "i");
    assertThat(id).isEqualTo(AlertIds.of("w", "i")).matches("[0-9a-f]{32}");
    assertThat(id).isNotEqualTo(AlertIds.of("w2", "i")).isNotEqualTo(AlertIds.of("w", "i2"));
    assertThat(AlertIds.of("w", "i", 0)).isNotEqualTo(id).isNotEqualTo(AlertIds.of("w", "i", 1));
  }

  @Test
  void rejectsAmbiguousInput() {
    assertThatThrownBy(() -> AlertIds.of("", "i")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertIds.of("a\nb", "i")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertIds.of("w", "i", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertIds.of("w", null)).isInstanceOf(NullPointerException.class);
  }
}
