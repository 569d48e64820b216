package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommaSeparatedTest {

  @Test
  void itemsAreTrimmedAndEmptyOnesLeftOutInOrder() {
    assertThat(CommaSeparated.items(" b, a ,,b, ")).containsExactly("b", "a", "b");
    assertThat(CommaSeparated.items("one")).containsExactly("one");
  }

  @Test
  void nullOrBlankTextHasNoItems() {
    assertThat(CommaSeparated.items(null)).isEmpty();
    assertThat(CommaSeparated.items(" ")).isEmpty();
    assertThat(CommaSeparated.items(",,")).isEmpty();
  }
}
