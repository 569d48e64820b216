package dev.imgsearch.embedder.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class TensorScratchTest {
  @Test
  void aReturnedSetIsLentAgainWhileLargeEnough() {
    TensorScratch scratch = new TensorScratch();
    TensorScratch.Buffers first = scratch.borrow(12);
    scratch.giveBack(first);
    assertThat(scratch.borrow(6)).isSameAs(first);
    scratch.giveBack(first);
    TensorScratch.Buffers larger = scratch.borrow(24);
    assertThat(larger).isNotSameAs(first);
    assertThat(larger.array()).hasSize(24);
  }

  @Test
  void aSecondCallerWhileTheSpareIsOutGetsItsOwnAndTheLargerIsKept() {
    TensorScratch scratch = new TensorScratch();
    TensorScratch.Buffers one = scratch.borrow(8);
    TensorScratch.Buffers two = scratch.borrow(16);
    assertThat(two).isNotSameAs(one);
    scratch.giveBack(two);
    scratch.giveBack(one);
    assertThat(scratch.borrow(4)).isSameAs(two);
  }

  @Test
  void theTensorHoldsExactlyTheFilledValuesInNativeOrder() {
    TensorScratch.Buffers b = new TensorScratch().borrow(6);
    float[] a = b.array();
    for (int i = 0; i < 6; i++) {
      a[i] = i + 0.5f;
    }
    b.tensor(6);
    a[0] = 9f; // a later, smaller call: only its own values count
    a[1] = 8f;
    FloatBuffer t = b.tensor(2);
    assertThat(t.isDirect()).isTrue();
    assertThat(t.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(t.position()).isZero();
    assertThat(t.remaining()).isEqualTo(2);
    assertThat(t.get(0)).isEqualTo(9f);
    assertThat(t.get(1)).isEqualTo(8f);
  }
}
