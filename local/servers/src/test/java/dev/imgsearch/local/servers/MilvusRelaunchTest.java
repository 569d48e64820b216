package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which failed Milvus starts are launched again, and how many times in all. */
class MilvusRelaunchTest {
  private static final String LOST_PORT =
      "Milvus standalone failed to start: the milvus process 16283 exited\n--- last lines of logs/milvus-stdout.log:\n"
          + "[ERROR] [rootcoord/service.go:256] [\"GrpcServer:failed to listen\"]"
          + " [error=\"listen tcp :53100: bind: address already in use\"]";

  /**
   * A launch that fails with the next of {@code failures} each time, then succeeds; counts its
   * calls.
   */
  private static final class ScriptedLaunch implements Runnable {
    private final List<Supplier<RuntimeException>> failures;
    int calls;

    ScriptedLaunch(List<Supplier<RuntimeException>> failures) {
      this.failures = new ArrayList<>(failures);
    }

    @Override
    public void run() {
      calls++;
      if (!failures.isEmpty()) {
        throw failures.remove(0).get();
      }
    }
  }

  private static Supplier<RuntimeException> lostPort() {
    return () -> new IllegalStateException(LOST_PORT);
  }

  @Test
  void aServerThatLostAProbedPortIsLaunchedAgainUntilItStarts() {
    ScriptedLaunch launch = new ScriptedLaunch(List.of(lostPort(), lostPort()));
    MilvusRelaunch.run(launch);
    assertThat(launch.calls).isEqualTo(3);
  }

  @Test
  void aStartThatSucceedsIsLaunchedOnce() {
    ScriptedLaunch launch = new ScriptedLaunch(List.of());
    MilvusRelaunch.run(launch);
    assertThat(launch.calls).isEqualTo(1);
  }

  @Test
  void lostPortsAreRelaunchedAtMostThreeTimesInAllThenTheLastFailureIsThrown() {
    ScriptedLaunch launch =
        new ScriptedLaunch(List.of(lostPort(), lostPort(), lostPort(), lostPort()));
    assertThatThrownBy(() -> MilvusRelaunch.run(launch))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bind: address already in use");
    assertThat(launch.calls).isEqualTo(MilvusRelaunch.ATTEMPTS).isEqualTo(3);
  }

  @Test
  void otherStartFailuresEndTheStartAtOnce() {
    List<RuntimeException> others =
        List.of(
            new IllegalStateException(
                "Milvus standalone failed to start: not healthy within 180 s"),
            new IllegalStateException((String) null),
            new UncheckedIOException(
                "cannot start [milvus-server]", new IOException("no such file")),
            // a lost port is only relaunched as the start failure it is, not inside another kind of
            // exception
            new RuntimeException(LOST_PORT));
    for (RuntimeException other : others) {
      ScriptedLaunch launch = new ScriptedLaunch(List.of(() -> other, lostPort()));
      assertThatThrownBy(() -> MilvusRelaunch.run(launch)).isSameAs(other);
      assertThat(launch.calls).as("launches after %s", other).isEqualTo(1);
    }
  }

  @Test
  void aDifferentFailureAfterALostPortEndsTheStart() {
    IllegalStateException unhealthy =
        new IllegalStateException("Milvus standalone failed to start: not healthy within 180 s");
    ScriptedLaunch launch = new ScriptedLaunch(List.of(lostPort(), () -> unhealthy, lostPort()));
    assertThatThrownBy(() -> MilvusRelaunch.run(launch)).isSameAs(unhealthy);
    assertThat(launch.calls).isEqualTo(2);
  }

  @Test
  void theDecisionPerAttempt() {
    IllegalStateException lost = new IllegalStateException(LOST_PORT);
    IllegalStateException unhealthy = new IllegalStateException("not healthy within 180 s");
    assertThat(MilvusRelaunch.relaunch(1, lost)).isTrue();
    assertThat(MilvusRelaunch.relaunch(2, lost)).isTrue();
    assertThat(MilvusRelaunch.relaunch(3, lost)).isFalse();
    assertThat(MilvusRelaunch.relaunch(1, unhealthy)).isFalse();
    assertThat(MilvusRelaunch.relaunch(1, new IllegalStateException((String) null))).isFalse();
  }
}
