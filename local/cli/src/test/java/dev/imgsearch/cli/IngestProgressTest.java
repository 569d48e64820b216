package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestProgressTest {
  @Test
  void theLineShowsCountsAndTheUploadRate() {
    IngestProgress p = new IngestProgress(500, 0);
    p.uploaded.set(90);
    p.skipped.set(30);
    assertThat(p.line(6_000_000_000L)).isEqualTo("120/500 (uploaded 90, skipped 30) 15.0 images/s");
    p.failed.set(2);
    assertThat(p.line(6_000_000_000L))
        .isEqualTo("122/500 (uploaded 90, skipped 30, failed 2) 15.0 images/s");
    assertThat(new IngestProgress(5, 10).line(10)).isEqualTo("0/5 (uploaded 0) 0.0 images/s");
  }

  @Test
  void theSummaryReportsSkippedAndFailedFiles() {
    IngestProgress p = new IngestProgress(40, 0);
    p.uploaded.set(30);
    p.skipped.set(10);
    assertThat(p.summary(2_000_000_000L, "images", "cam-1"))
        .isEqualTo(
            "Uploaded 30 of 40 images to images (source cam-1) in 2.0 s, 15.0 images/s; skipped 10 already uploaded.");
    p.failed.set(1);
    assertThat(p.summary(2_000_000_000L, "images", "cam-1"))
        .contains("; 1 failed (run the same command again to retry them).");
  }
}
