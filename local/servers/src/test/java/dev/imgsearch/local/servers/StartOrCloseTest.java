package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartOrCloseTest {
  /** Records what happened to it; closing fails when told to. */
  private static final class Parts implements AutoCloseable {
    final List<String> events = new ArrayList<>();
    boolean closeFails;

    @Override
    public void close() {
      events.add("closed");
      if (closeFails) {
        throw new IllegalStateException("close failed");
      }
    }
  }

  @Test
  void aStartThatSucceedsReturnsTheResourceOpen() {
    Parts parts = new Parts();
    assertThat(StartOrClose.start(parts, p -> p.events.add("started"))).isSameAs(parts);
    assertThat(parts.events).containsExactly("started");
  }

  @Test
  void aStartThatFailsClosesWhatStartedAndRethrows() {
    Parts parts = new Parts();
    assertThatThrownBy(
            () ->
                StartOrClose.start(
                    parts,
                    p -> {
                      p.events.add("first part");
                      throw new IllegalStateException("second part did not start");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("second part did not start");
    assertThat(parts.events).containsExactly("first part", "closed");
  }

  @Test
  void aFailureToCloseIsKeptWithTheStartsFailure() {
    Parts parts = new Parts();
    parts.closeFails = true;
    assertThatThrownBy(
            () ->
                StartOrClose.start(
                    parts,
                    p -> {
                      throw new IllegalStateException("did not start");
                    }))
        .hasMessage("did not start")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("close failed"));
  }
}
