package dev.imgsearch.cli.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.cli.bench.FreshnessTracker;
import dev.imgsearch.cli.bench.Percentiles;
import dev.imgsearch.schemas.ImageIds;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The pure parts of the camera replay: frame schedule and ids, options, the windowed visibility
 * check, the job's counters, the people labels and the search check, paging by time, the lag
 * summary and the report's pass/fail decision.
 */
class CameraPartsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = Instant.parse("2026-01-01T10:00:00Z").toEpochMilli();

  static CameraOptions options(Map<String, String> embedder, double minShare) {
    return new CameraOptions(
        Path.of("frames"),
        25,
        2,
        null,
        minShare,
        "embedded",
        null,
        Duration.ofMillis(200),
        Duration.ofMillis(20),
        embedder,
        null,
        null);
  }

  private static CameraOptions options(
      double fps, int cameras, Path people, double share, String store) {
    return new CameraOptions(
        Path.of("f"),
        fps,
        cameras,
        people,
        share,
        store,
        null,
        Duration.ZERO,
        Duration.ZERO,
        Map.of(),
        null,
        null);
  }

  @Test
  void framesAreCapturedOneFrameIntervalApartAndTheirImageIdIsTheClaimCheckKeys() {
    CameraFeed feed = new CameraFeed("cam-1", T0, 25, "images");
    assertThat(feed.captureMillis(0)).isEqualTo(T0);
    assertThat(feed.captureMillis(1)).isEqualTo(T0 + 40);
    assertThat(feed.captureMillis(794)).isEqualTo(T0 + 31_760);
    assertThat(feed.endMillis(795)).isEqualTo(T0 + 31_761);
    assertThat(new CameraFeed("cam-1", T0, 30, "images").captureMillis(1)).isEqualTo(T0 + 33);
    assertThat(CameraFeed.frameId(7)).isEqualTo("f000007");
    assertThat(feed.key(7)).isEqualTo("cam-1/2026/01/01/10/f000007.jpg");
    assertThat(feed.imageId(7)).isEqualTo(ImageIds.of("images", "cam-1/2026/01/01/10/f000007.jpg"));
    assertThat(new CameraFeed("cam-2", T0, 25, "images").imageId(7)).isNotEqualTo(feed.imageId(7));
  }

  @Test
  void gatingIsOnUnlessTheUserSaysOtherwiseAndBadOptionsAreRefused() {
    assertThat(options(Map.of(), 0.5).embedderOverrides())
        .containsEntry("gate.enabled", "true")
        .containsEntry("checkpoint.interval", "PT0.2S");
    assertThat(options(Map.of("gate.enabled", "false"), 0.5).embedderOverrides())
        .containsEntry("gate.enabled", "false");
    assertThat(CameraOptions.source(1)).isEqualTo("cam-2");
    assertThatThrownBy(() -> options(0, 1, null, 0.5, "embedded")).hasMessageContaining("--fps");
    assertThatThrownBy(() -> options(25, 0, null, 0.5, "embedded"))
        .hasMessageContaining("--cameras");
    assertThatThrownBy(() -> options(25, 1, null, 1.5, "embedded"))
        .hasMessageContaining("--min-people-share");
    assertThatThrownBy(() -> options(25, 1, Path.of("no-such.csv"), 0.5, "embedded"))
        .hasMessageContaining("--people: no such file");
    assertThatThrownBy(() -> options(25, 1, null, 0.5, "milvus"))
        .hasMessageContaining("--milvus-uri");
  }

  private static FreshnessTracker.Pending pending(String source, long capture) {
    return new FreshnessTracker.Pending(
        source + capture, WindowVisibilityCheck.token(source, capture), 0);
  }

  @Test
  void pendingFramesAreCheckedOneTimeWindowPerSourceOfAtMostAThousandFrames() {
    List<FreshnessTracker.Pending> batch =
        List.of(pending("cam-1", T0 + 80), pending("cam-2", T0), pending("cam-1", T0));
    assertThat(WindowVisibilityCheck.windows(batch, 25))
        .containsExactly(
            new WindowVisibilityCheck.Window("cam-1", T0, T0 + 81),
            new WindowVisibilityCheck.Window("cam-2", T0, T0 + 1));
    // at 25 fps 1000 frames span 39 960 ms: a frame 40 s later starts a new window
    List<FreshnessTracker.Pending> wide =
        List.of(pending("cam-1", T0), pending("cam-1", T0 + 39_960), pending("cam-1", T0 + 40_000));
    assertThat(WindowVisibilityCheck.windows(wide, 25))
        .containsExactly(
            new WindowVisibilityCheck.Window("cam-1", T0, T0 + 39_961),
            new WindowVisibilityCheck.Window("cam-1", T0 + 40_000, T0 + 40_001));
  }

  @Test
  void theWindowsSearchIsFilteredToItsSourceAndTimes() throws Exception {
    JsonNode body =
        JSON.readTree(
            WindowVisibilityCheck.body(new WindowVisibilityCheck.Window("cam-1", T0, T0 + 81), 3));
    assertThat(body.get("vector").toString()).isEqualTo("[1,1,1]");
    assertThat(body.get("k").asInt()).isEqualTo(1000);
    assertThat(body.get("source").toString()).isEqualTo("[\"cam-1\"]");
    assertThat(body.get("from").asText()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(body.get("to").asText()).isEqualTo("2026-01-01T10:00:00.081Z");
  }

  @Test
  void theJobsCountersAreSummedOverSubtasks() {
    String text =
        """
        # HELP flink_taskmanager_job_task_operator_imagesEmbedded imagesEmbedded (scope: x)
        # TYPE flink_taskmanager_job_task_operator_imagesEmbedded gauge
        flink_taskmanager_job_task_operator_imagesEmbedded{task_name="fetch decode embed",subtask_index="0",} 120.0
        flink_taskmanager_job_task_operator_imagesEmbedded{task_name="fetch decode embed",subtask_index="1",} 74.0
        flink_taskmanager_job_task_operator_imagesGated{subtask_index="0",} 601.0
        flink_taskmanager_job_task_operator_imagesEmbeddedBytes{subtask_index="0",} 5.0
        flink_jobmanager_numRunningJobs 1.0
        """;
    assertThat(FlinkCounters.parse(text)).isEqualTo(new FlinkCounters(194, 601));
    assertThat(FlinkCounters.parse("")).isEqualTo(new FlinkCounters(0, 0));
    assertThat(new FlinkCounters(214, 610).minus(new FlinkCounters(20, 9)))
        .isEqualTo(new FlinkCounters(194, 601));
  }

  @Test
  void peopleLabelsCountPeoplePerFrameAndNameTheQueryFrames() {
    PeopleLabels labels =
        PeopleLabels.parse(
            List.of("# people, frame,x,y", "0003,10,20", "0003,30,40", "", "0005,1,2", "0009,1,1"));
    assertThat(labels.people("0003")).isEqualTo(2);
    assertThat(labels.people("0004")).isZero();
    // the footage holds frames 0001..0006: 0009 is not in it
    assertThat(labels.queryFrames(List.of("0001", "0002", "0003", "0004", "0005", "0006")))
        .containsExactly(2, 4);
    assertThat(PeopleLabels.inSpan(100, 80)).isTrue();
    assertThat(PeopleLabels.inSpan(100, 120)).isTrue();
    assertThat(PeopleLabels.inSpan(100, 121)).isFalse();
    assertThatThrownBy(() -> PeopleLabels.parse(List.of("0001,1"))).hasMessageContaining("line 1");
    assertThatThrownBy(() -> PeopleLabels.parse(List.of("# c", "0001,a,2")))
        .hasMessageContaining("line 2");
  }

  @Test
  void aSearchHitCountsWhenItIsAFrameOfThePeoplesSpanAndTheQueryFrameItselfIsLeftOut() {
    Map<String, Integer> position = new HashMap<>();
    IntStream.range(0, 300).forEach(i -> position.put("id" + i, i));
    List<String> ids = new ArrayList<>(List.of("id100", "id90", "id150", "other", "id120"));
    assertThat(PeopleSearch.score(ids, 100, "id100", position)).containsExactly(4, 2);
    List<String> many = new ArrayList<>();
    IntStream.range(0, 30).forEach(i -> many.add("id" + (95 + i)));
    // 21 answers without the query frame: only the first 20 count
    assertThat(PeopleSearch.score(many.subList(0, 22), 100, "id100", position))
        .containsExactly(20, 20);

    PeopleSearch s = PeopleSearch.of(List.of(new int[] {20, 20}, new int[] {20, 5}));
    assertThat(s.share()).isEqualTo(25 / 40.0);
    assertThat(s.worstShare()).isEqualTo(0.25);
    assertThat(s.queries()).isEqualTo(2);
    assertThat(PeopleSearch.of(List.of()).share()).isZero();
  }

  private static JsonNode page(int images, long oldest) {
    var page = JSON.createObjectNode();
    var list = page.putArray("images");
    for (int i = 0; i < images; i++) {
      list.addObject()
          .put("id", "id" + i)
          .put("capturedAt", Instant.ofEpochMilli(oldest + 40L * (images - 1 - i)).toString());
    }
    return page.put("complete", true);
  }

  @Test
  void pagingByTimeEndsEachPageAtTheOldestFrameOfTheOneBefore() {
    assertThat(FindableByTime.nextTo(page(500, T0 + 1000), T0 + 1_000_000))
        .isEqualTo(OptionalLong.of(T0 + 1000));
    assertThat(FindableByTime.nextTo(page(499, T0), T0 + 1_000_000)).isEmpty();
    assertThat(FindableByTime.nextTo(page(500, T0), T0)).as("would not move back").isEmpty();
    assertThat(new FindableByTime("cam-1", 795, 795, 0, 2, true).ok()).isTrue();
    assertThat(new FindableByTime("cam-1", 795, 794, 0, 2, true).ok()).isFalse();
    assertThat(new FindableByTime("cam-1", 795, 795, 1, 2, true).ok()).isFalse();
    assertThat(new FindableByTime("cam-1", 795, 795, 0, 2, false).ok()).isFalse();
  }

  private static Map<String, Double> lags(CameraFeed feed, int frames, double first, double step) {
    Map<String, Double> out = new HashMap<>();
    for (int i = 0; i < frames; i++) {
      out.put(feed.imageId(i), first + step * i);
    }
    return out;
  }

  @Test
  void theLagIsBoundedWhenItsMedianDoesNotGrowFromTheFirstToTheLastTenthOfFrames() {
    CameraFeed feed = new CameraFeed("cam-1", T0, 25, "images");
    LagSummary steady = LagSummary.of(List.of(feed), 100, lags(feed, 100, 300, 1));
    assertThat(steady.first().count()).isEqualTo(10);
    assertThat(steady.last().count()).isEqualTo(10);
    assertThat(steady.first().percentile(50)).isEqualTo(304);
    assertThat(steady.last().percentile(50)).isEqualTo(394);
    assertThat(steady.bounded()).isTrue();
    // the backlog grows: 20 ms more per frame → 1.8 s more at the end
    assertThat(LagSummary.of(List.of(feed), 100, lags(feed, 100, 300, 20)).bounded()).isFalse();
    Map<String, Double> oneMissing = new HashMap<>(lags(feed, 100, 300, 1));
    oneMissing.remove(feed.imageId(50));
    LagSummary missing = LagSummary.of(List.of(feed), 100, oneMissing);
    assertThat(missing.missing()).isEqualTo(1);
    assertThat(missing.bounded()).isFalse();
  }

  private static CameraReport report(CameraOptions options, int missing, PeopleSearch people) {
    Percentiles p = Percentiles.of(List.of(300.0, 400.0));
    return new CameraReport(
        options,
        "embedded",
        795,
        60_000,
        new CameraReplay(1590, 0, 3),
        new FlinkCounters(300, 1290),
        new LagSummary(p, p, p, missing),
        1.4,
        "900 MiB / 200 MiB",
        List.of(new FindableByTime("cam-1", 795, 795, 0, 2, true)),
        people,
        100,
        0);
  }

  @Test
  void theReportFailsWhenAFrameIsMissingOrTooFewHitsShowThePeople() {
    CameraOptions options = options(Map.of(), 0.5);
    CameraReport good = report(options, 0, new PeopleSearch(14, 280, 200, 0.4));
    assertThat(good.ok()).isTrue();
    String md = good.table().markdown();
    assertThat(md)
        .contains("| frames embedded / gated (job counters)")
        .contains("300 / 1290 (81.1 % gated)")
        .contains("795 / 795 (2 pages)")
        .contains("200 / 280 hits = 0.71 (worst query 0.40; 14 queries; pass ≥ 0.50)");
    assertThat(report(options, 1, null).ok()).as("a frame never searchable").isFalse();
    assertThat(report(options, 0, new PeopleSearch(14, 280, 100, 0.1)).ok())
        .as("too few hits where the people are")
        .isFalse();
    assertThat(report(options, 0, null).table().markdown())
        .contains("not checked (no --people labels)");
  }
}
