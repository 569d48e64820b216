package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CollectionPresenceTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final AtomicBoolean onServer = new AtomicBoolean();
  private final AtomicInteger asked = new AtomicInteger();
  private final AtomicInteger ensured = new AtomicInteger();
  private final CollectionPresence presence =
      new CollectionPresence(
          () -> {
            asked.incrementAndGet();
            return onServer.get();
          },
          () -> {
            ensured.incrementAndGet();
            onServer.set(true);
          },
          Duration.ofNanos(100),
          now::get);

  @Test
  void writesWithoutItemsAskOncePerRecheckIntervalWhileTheCollectionsAreAbsent() {
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(presence.forWrite(false)).isFalse();
    now.addAndGet(99);
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(asked).as("one existence check for three batches").hasValue(1);

    now.addAndGet(1);
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(asked).as("the interval is over: asked again").hasValue(2);
    assertThat(ensured).hasValue(0);
  }

  @Test
  void aWriteWithItemsCreatesTheCollectionsOnceAndNothingIsAskedAfterwards() {
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(presence.forWrite(true)).isTrue();
    assertThat(presence.forWrite(false)).isTrue();
    assertThat(presence.forRead()).isTrue();
    assertThat(presence.forWrite(true)).isTrue();
    assertCounts(1, 1);
  }

  @Test
  void readsAskEveryTimeSoTheySeeCollectionsAnotherStoreCreated() {
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(presence.forRead()).isFalse();
    assertThat(presence.forRead()).isFalse();
    assertThat(asked).hasValue(3);

    onServer.set(true); // created by the sink
    assertThat(presence.forRead()).isTrue();
    assertThat(ensured).as("found: checked and loaded once").hasValue(1);
    assertThat(presence.forWrite(false)).as("a read that found them tells the writes").isTrue();
    assertThat(asked).hasValue(4);
  }

  @Test
  void collectionsThatAlreadyExistAreEnsuredOnTheFirstCall() {
    onServer.set(true);
    assertThat(presence.forWrite(false)).isTrue();
    assertThat(presence.forWrite(false)).isTrue();
    assertCounts(1, 1);
  }

  @Test
  void afterADropTheNextCallerAsksAgain() {
    assertThat(presence.forWrite(true)).isTrue();
    onServer.set(false);
    presence.dropped();
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(asked).hasValue(1);
    assertThat(presence.forWrite(false)).isFalse();
    assertThat(asked).as("the absence found after the drop is trusted").hasValue(1);
  }

  @Test
  void aFailedEnsureIsRetriedByTheNextCall() {
    AtomicInteger attempts = new AtomicInteger();
    CollectionPresence failingOnce =
        new CollectionPresence(
            () -> true,
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("server gone");
              }
            },
            Duration.ofSeconds(5),
            now::get);
    assertThatThrownBy(() -> failingOnce.forRead()).hasMessage("server gone");
    assertThat(failingOnce.forRead()).isTrue();
    assertThat(attempts).hasValue(2);
  }

  @Test
  void aNegativeRecheckIntervalIsRefused() {
    assertThatThrownBy(
            () -> new CollectionPresence(() -> true, () -> {}, Duration.ofSeconds(-1), now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  /**
   * The server was asked {@code asks} times whether the collections exist, and they were ensured
   * {@code ensures} times.
   */
  private void assertCounts(int asks, int ensures) {
    assertThat(asked).as("existence checks").hasValue(asks);
    assertThat(ensured).as("ensures").hasValue(ensures);
  }
}
