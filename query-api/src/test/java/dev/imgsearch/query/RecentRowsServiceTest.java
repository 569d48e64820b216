package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.SearchHit;
import dev.imgsearch.indexer.store.VectorRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The listing and the timeline through {@link QueryService} on a store fuller than one scan. */
class RecentRowsServiceTest {

  private static final long HOUR_START = 1_714_564_800_000L; // 2024-05-01T12:00:00Z

  private final TestVectorStore store = new TestVectorStore(TestImageEmbedder.DIMENSION);
  private final QueryService service =
      QueryService.builder(new TestImageEmbedder(1 << 20), store).build();

  @AfterEach
  void close() {
    service.close();
  }

  /**
   * {@code n} rows with random vectors (so the scan's k-NN order is unrelated to time), spread over
   * one hour.
   */
  private List<VectorRecord> fill(int n) {
    Random random = new Random(7);
    List<VectorRecord> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[TestImageEmbedder.DIMENSION];
      for (int d = 0; d < v.length; d++) {
        v[d] = random.nextFloat() - 0.5f;
      }
      rows.add(
          new VectorRecord(
              String.format("%032x", i),
              v,
              "images",
              "k" + i,
              i % 2 == 0 ? "cam-a" : "cam-b",
              HOUR_START + random.nextInt(3_600_000),
              List.of(),
              "m"));
    }
    store.upsert(rows);
    return rows;
  }

  @Test
  void theNewestRowsOfAWindowFullerThanOneScanAreExact() {
    List<VectorRecord> rows = fill(ListingParams.LISTING_SCAN_BOUND * 2 + 500);

    RecentRows.Listing listing =
        service.newest(
            ListingParams.listing(Map.of("source", List.of("cam-a"), "limit", List.of("25"))));

    List<Long> expected =
        rows.stream()
            .filter(r -> r.source().equals("cam-a"))
            .map(VectorRecord::capturedAtMillis)
            .sorted(Comparator.reverseOrder())
            .limit(25)
            .toList();
    assertThat(listing.rows().stream().map(SearchHit::capturedAtMillis).toList())
        .isEqualTo(expected);
    assertThat(listing.complete()).isTrue();
  }

  @Test
  void timelineCountsEveryMinuteExactly() {
    List<VectorRecord> rows = fill(3000);

    RecentRows.Counts counts =
        service.timeline(
            ListingParams.timeline(
                Map.of(
                    "from", List.of("2024-05-01T12:00:00Z"), "to", List.of("2024-05-01T13:00:00Z")),
                0));

    long[] expected = new long[60];
    rows.forEach(r -> expected[(int) ((r.capturedAtMillis() - HOUR_START) / 60_000)]++);
    assertThat(counts.counts()).containsExactly(expected);
    assertThat(counts.complete()).isTrue();
  }
}
