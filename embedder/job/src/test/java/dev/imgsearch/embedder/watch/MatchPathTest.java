package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MatchPathTest {
  @Test
  void bruteForceBelowTheCrossoverWhateverTheMatches() {
    MatchPath p = new MatchPath(1_000, 50);
    assertThat(p.useAnn(999, 1_000_000)).isFalse();
    assertThat(p.useAnn(1, 0)).isFalse();
  }

  @Test
  void theIndexFromTheCrossoverOnceTheGroupHasBeenStableForEnoughMatches() {
    MatchPath p = new MatchPath(1_000, 50);
    assertThat(p.useAnn(1_000, 49)).isFalse();
    assertThat(p.useAnn(1_000, 50)).isTrue();
    assertThat(p.useAnn(10_000, 51)).isTrue();
  }

  @Test
  void theFixedPaths() {
    assertThat(MatchPath.ANN.useAnn(1, 0)).isTrue();
    assertThat(MatchPath.BRUTE_FORCE.useAnn(Integer.MAX_VALUE - 1, Long.MAX_VALUE)).isFalse();
    assertThat(MatchPath.DEFAULT.useAnn(100, Long.MAX_VALUE)).isFalse();
    assertThat(MatchPath.DEFAULT.useAnn(10_000, Long.MAX_VALUE)).isTrue();
    assertThat(MatchPath.DEFAULT.useAnn(1_000, 199)).isFalse(); // quiet for 200 matches first
    assertThat(MatchPath.DEFAULT.useAnn(1_000, 200)).isTrue();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new MatchPath(0, 0)).hasMessageContaining("annFrom");
    assertThatThrownBy(() -> new MatchPath(1, -1)).hasMessageContaining("buildAfterMatches");
  }
}
