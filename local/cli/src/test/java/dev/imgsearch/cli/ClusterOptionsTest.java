package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {
  @Test
  void theOneJvmStackTakesEveryOptionButParallelism() {
    assertThatCode(
            () -> ClusterOptions.check(false, Set.of("--kafka-port", "--http-port", "--detect"), 2))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ClusterOptions.check(false, Set.of("--parallelism"), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--parallelism needs --cluster");
  }

  @Test
  void theClusterHasNoKafkaPortAndAtMostOneSubtaskPerSlot() {
    assertThatCode(
            () ->
                ClusterOptions.check(
                    true, Set.of("--cluster", "--http-port", "--s3-port", "--parallelism"), 4))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ClusterOptions.check(true, Set.of("--kafka-port"), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-port does not apply with --cluster")
        .hasMessageContaining("3 Kafka nodes");
    assertThatThrownBy(() -> ClusterOptions.check(true, Set.of("--parallelism"), 0))
        .hasMessage("--parallelism must be 1..4 (2 TaskManagers × 2 slots), not 0");
    assertThatThrownBy(() -> ClusterOptions.check(true, Set.of("--parallelism"), 5))
        .hasMessageContaining("not 5");
  }
}
