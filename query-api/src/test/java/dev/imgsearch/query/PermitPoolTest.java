package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PermitPoolTest {

  @Test
  void grantsUpToItsPermitsThenRefusesAfterTheWait() {
    PermitPool pool = new PermitPool("decode", 2, Duration.ofMillis(150));
    PermitPool.Permit a = pool.acquire();
    PermitPool.Permit b = pool.acquire();
    assertThat(pool.available()).isZero();

    long start = System.nanoTime();
    assertThatThrownBy(pool::acquire)
        .isInstanceOfSatisfying(
            ServerBusyException.class,
            e -> {
              assertThat(e.retryAfterSeconds()).isEqualTo(1);
              assertThat(e.getMessage()).contains("decode").contains("2");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(140));

    a.close();
    try (PermitPool.Permit c = pool.acquire()) {
      assertThat(pool.available()).isZero();
    }
    b.close();
    assertThat(pool.available()).isEqualTo(2);
  }

  @Test
  void aWaiterGetsThePermitReleasedWithinItsWait() throws Exception {
    PermitPool pool = new PermitPool("decode", 1, Duration.ofSeconds(5));
    PermitPool.Permit held = pool.acquire();
    CompletableFuture<PermitPool.Permit> waiter = CompletableFuture.supplyAsync(pool::acquire);
    Thread.sleep(100);
    assertThat(waiter).isNotDone();

    held.close();
    waiter.get(2, TimeUnit.SECONDS).close();
    assertThat(pool.available()).isEqualTo(1);
  }

  @Test
  void closingAPermitTwiceReleasesOnce() {
    PermitPool pool = new PermitPool("decode", 1, Duration.ZERO);
    PermitPool.Permit p = pool.acquire();
    p.close();
    p.close();
    assertThat(pool.available()).isEqualTo(1);
    pool.acquire();
    assertThatThrownBy(pool::acquire).isInstanceOf(ServerBusyException.class);
  }

  @Test
  void retryAfterIsTheWaitRoundedUpToWholeSeconds() {
    assertThat(new PermitPool("x", 1, Duration.ZERO).retryAfterSeconds()).isEqualTo(1);
    assertThat(new PermitPool("x", 1, Duration.ofMillis(2001)).retryAfterSeconds()).isEqualTo(3);
    assertThat(new PermitPool("x", 1, Duration.ofSeconds(2)).retryAfterSeconds()).isEqualTo(2);
  }

  @Test
  void anInterruptedWaiterIsRefusedAndKeepsItsInterrupt() {
    PermitPool pool = new PermitPool("decode", 1, Duration.ofSeconds(5));
    pool.acquire();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(pool::acquire).isInstanceOf(ServerBusyException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThatThrownBy(() -> new PermitPool("decode", 0, Duration.ZERO))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new PermitPool("decode", 1, Duration.ofMillis(-1)))
        .hasMessageContaining("negative");
  }
}
