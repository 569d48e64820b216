package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.errors.ServerException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class UploadCheckTest {
  private static final String MD5 = "9e107d9d372bb6826bd81d3542a419d6";

  @Test
  void nothingStoredOrAnotherSizeMeansUpload() {
    assertThat(UploadCheck.alreadyUploaded(10, () -> MD5, null)).isFalse();
    assertThat(UploadCheck.alreadyUploaded(10, () -> MD5, new UploadCheck.Stored(11, MD5)))
        .isFalse();
  }

  @Test
  void aSinglePartObjectIsSkippedOnlyWhenItsEtagIsTheFilesMd5() {
    assertThat(
            UploadCheck.alreadyUploaded(
                10, () -> MD5, new UploadCheck.Stored(10, "\"" + MD5.toUpperCase() + "\"")))
        .isTrue();
    assertThat(
            UploadCheck.alreadyUploaded(
                10, () -> MD5, new UploadCheck.Stored(10, "00000000000000000000000000000000")))
        .isFalse();
    assertThat(UploadCheck.alreadyUploaded(10, () -> MD5, new UploadCheck.Stored(10, "")))
        .isFalse();
  }

  @Test
  void aMultipartObjectIsJudgedBySizeAndTheMd5IsNotComputed() {
    AtomicInteger md5Calls = new AtomicInteger();
    Supplier<String> md5 =
        () -> {
          md5Calls.incrementAndGet();
          return MD5;
        };
    assertThat(
            UploadCheck.alreadyUploaded(
                10, md5, new UploadCheck.Stored(10, "\"3858f62230ac3c915f300c664312c11f-2\"")))
        .isTrue();
    assertThat(UploadCheck.alreadyUploaded(10, md5, new UploadCheck.Stored(12, MD5))).isFalse();
    assertThat(md5Calls).hasValue(0);
  }

  @Test
  void onlyInfrastructureFailuresAreRetried() {
    assertThat(UploadCheck.retriable(new ConnectException("refused"))).isTrue();
    assertThat(UploadCheck.retriable(new RuntimeException(new IOException("reset")))).isTrue();
    assertThat(UploadCheck.retriable(new ServerException("503", 503, "trace"))).isTrue();
    assertThat(UploadCheck.retriable(new IllegalArgumentException("bad"))).isFalse();
  }
}
