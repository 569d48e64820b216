package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class LocalStackPekkoTicksTest {

  @Test
  void theSchedulerTicksEvery100MsUnlessTheUserChoseATick() {
    Properties unset = new Properties();
    LocalStack.slowPekkoTicks(unset);
    assertThat(unset.getProperty("pekko.scheduler.tick-duration")).isEqualTo("100ms");

    Properties chosen = new Properties();
    chosen.setProperty("pekko.scheduler.tick-duration", "10ms");
    LocalStack.slowPekkoTicks(chosen);
    assertThat(chosen.getProperty("pekko.scheduler.tick-duration")).isEqualTo("10ms");
  }
}
