package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.local.servers.S3ServerProcess;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MinioObjectFetcher} against the real local S3 server: what is refused for good becomes an
 * {@link ObjectRejectedException} with its dead-letter reason, a missing object is empty, and an
 * outage (or the job's own credentials rejected) is retried and then thrown as a plain {@link
 * IOException}, which fails the task.
 */
class MinioObjectFetcherIT extends HarnessPerClass {
  static final FetchErrors.Policy QUICK =
      new FetchErrors.Policy(
          Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1), 2);

  static S3ServerProcess s3;

  @BeforeAll
  static void putObjects() throws Exception {
    s3 = it.s3;
    it.put("small.bin", new byte[1000]);
    it.put("exactly-4096.bin", new byte[4096]);
    it.put("big.bin", new byte[4097]);
  }

  static MinioObjectFetcher fetcher(String secret, long maxBytes) {
    return new MinioObjectFetcher(it.client(secret), maxBytes, QUICK);
  }

  @Test
  void objectsUpToTheLimitAreReadAndLargerOnesRefusedWithoutReadingThem() throws Exception {
    MinioObjectFetcher f = fetcher(SECRET, 4096);
    assertThat(f.fetch(BUCKET, "small.bin", null))
        .hasValueSatisfying(b -> assertThat(b).hasSize(1000));
    assertThat(f.fetch(BUCKET, "exactly-4096.bin", 4096L))
        .hasValueSatisfying(b -> assertThat(b).hasSize(4096));
    // announced by the event: refused before the GET, even for an object that is small in fact
    assertThatThrownBy(() -> f.fetch(BUCKET, "small.bin", 1L << 40))
        .isInstanceOfSatisfying(
            ObjectRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(FetchErrors.OBJECT_TOO_LARGE));
    // not announced: refused by the response's Content-Length
    assertThatThrownBy(() -> f.fetch(BUCKET, "big.bin", null))
        .isInstanceOfSatisfying(
            ObjectRejectedException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(FetchErrors.OBJECT_TOO_LARGE);
              assertThat(e.getMessage()).contains("4097");
            });
  }

  @Test
  void aMissingObjectOrBucketIsEmpty() throws Exception {
    MinioObjectFetcher f = fetcher(SECRET, 4096);
    assertThat(f.fetch(BUCKET, "never-uploaded.jpg", null)).isEmpty();
    assertThat(f.fetch("no-such-bucket", "x.jpg", null)).isEmpty();
  }

  @Test
  void aNameThatCanNeverBeFetchedIsRefusedAsFetchFailed() {
    MinioObjectFetcher f = fetcher(SECRET, 4096);
    assertThatThrownBy(() -> f.fetch("Not_A_Valid_Bucket", "x.jpg", null))
        .isInstanceOfSatisfying(
            ObjectRejectedException.class,
            e -> assertThat(e.reason()).isEqualTo(FetchErrors.FETCH_FAILED));
  }

  @Test
  void rejectedCredentialsAreTheJobsProblemRetriedThenThrownNotDeadLettered() {
    MinioObjectFetcher f = fetcher("not-the-secret", 4096);
    assertThatThrownBy(() -> f.fetch(BUCKET, "small.bin", null))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(ObjectRejectedException.class)
        .hasMessageContaining("gave up");
  }

  @Test
  void anOutageIsRetriedThenThrownSoTheTaskFailsAndNothingIsDeadLettered() throws Exception {
    MinioObjectFetcher f = fetcher(SECRET, 4096);
    s3.stop();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> f.fetch(BUCKET, "small.bin", null))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(ObjectRejectedException.class)
          .hasMessageContaining("TRANSIENT");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("retried with backoff until the bound")
          .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    } finally {
      s3.restart();
    }
    assertThat(f.fetch(BUCKET, "small.bin", null)).isPresent();
  }
}
