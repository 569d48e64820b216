package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.UTF_8);

  @Test
  void digestIsTheStandardOne() {
    assertThat(HexFormat.of().formatHex(Sha256.digest(ABC)))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void hex128IsItsFirstHalfInLowerCaseHex() {
    assertThat(Sha256.hex128(ABC)).isEqualTo("ba7816bf8f01cfea414140de5dae2223");
  }
}
