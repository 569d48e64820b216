package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MinioObjectFetcherTest {
  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  private static byte[] read(byte[] body, long announced, long max) throws IOException {
    return MinioObjectFetcher.readBody(new ByteArrayInputStream(body), announced, max);
  }

  @Test
  void aBodyOfTheAnnouncedLengthIsReadWhole() throws IOException {
    byte[] body = bytes(20_000);
    assertThat(read(body, 20_000, 64 << 20)).isEqualTo(body);
    assertThat(read(new byte[0], 0, 100)).isEmpty();
  }

  @Test
  void withoutALengthTheBodyIsReadAndCounted() throws IOException {
    byte[] body = bytes(20_000);
    assertThat(read(body, -1, 64 << 20)).isEqualTo(body);
    assertThat(read(body, -1, 1_000)).hasSize(1_001); // over the limit: one byte more than allowed
  }

  @Test
  void aShorterBodyThanAnnouncedIsWhatCame() throws IOException {
    byte[] body = bytes(500);
    assertThat(read(body, 800, 1_000)).isEqualTo(body);
  }

  @Test
  void moreBytesThanAnnouncedAreStillCountedUpToTheLimit() throws IOException {
    byte[] body = bytes(3_000);
    assertThat(read(body, 1_000, 64 << 20)).isEqualTo(body);
    assertThat(read(body, 1_000, 2_000)).isEqualTo(Arrays.copyOf(body, 2_001));
  }
}
