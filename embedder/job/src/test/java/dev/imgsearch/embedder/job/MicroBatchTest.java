package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MicroBatchTest {
  @Test
  void fullAfterNItems() {
    MicroBatch<String> b = new MicroBatch<>(3, Duration.ofMillis(50));
    assertThat(b.add("a", 1000)).isFalse();
    assertThat(b.startedWithLastAdd()).isTrue();
    assertThat(b.add("b", 1001)).isFalse();
    assertThat(b.startedWithLastAdd()).isFalse();
    assertThat(b.add("c", 1002)).isTrue();
    assertThat(b.drain()).containsExactly("a", "b", "c");
    assertThat(b.isEmpty()).isTrue();
  }

  @Test
  void dueMaxDelayAfterTheFirstItem() {
    MicroBatch<String> b = new MicroBatch<>(100, Duration.ofMillis(50));
    assertThat(b.isDue(5000)).isFalse(); // empty: never due
    b.add("a", 1000);
    b.add("b", 1040);
    assertThat(b.deadline()).isEqualTo(1050);
    assertThat(b.isDue(1049)).isFalse();
    assertThat(b.isDue(1050)).isTrue();
    b.drain();
    b.add("c", 2000); // a new batch measures from its own first item
    assertThat(b.deadline()).isEqualTo(2050);
    assertThat(b.isDue(1050)).isFalse();
  }

  @Test
  void sizeOneMeansNoBatching() {
    MicroBatch<String> b = new MicroBatch<>(1, Duration.ZERO);
    assertThat(b.add("a", 0)).isTrue();
    assertThatThrownBy(() -> new MicroBatch<>(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
