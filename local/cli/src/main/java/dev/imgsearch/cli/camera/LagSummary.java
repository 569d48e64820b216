package dev.imgsearch.cli.camera;

import dev.imgsearch.cli.bench.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Publish→searchable lag of a replay, overall and over the first and the last 10 % of each camera's
 * frames. The feed is kept up with in real time when the backlog does not grow: the median lag of
 * the last 10 % is at most {@value #GROWTH_MS} ms above that of the first 10 % (a pipeline 5 %
 * short of 25 fps would fall 1.6 s behind over vtest's 795 frames). Pure.
 *
 * @param all every frame's lag (ms)
 * @param first the lags of the first 10 % of each camera's frames
 * @param last the lags of the last 10 %
 * @param missing frames never confirmed searchable
 */
public record LagSummary(Percentiles all, Percentiles first, Percentiles last, int missing) {
  /**
   * Largest rise of the median lag from the first to the last 10 % that still counts as bounded.
   */
  public static final double GROWTH_MS = 1000;

  /**
   * The lags of {@code frames} frames of each feed, from the tracker's latencies by image id
   * ({@code lagById}).
   */
  public static LagSummary of(List<CameraFeed> feeds, int frames, Map<String, Double> lagById) {
    int tenth = Math.max(1, frames / 10);
    List<Double> all = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    List<Double> last = new ArrayList<>();
    int missing = 0;
    for (CameraFeed feed : feeds) {
      for (int i = 0; i < frames; i++) {
        Double lag = lagById.get(feed.imageId(i));
        if (lag == null) {
          missing++;
          continue;
        }
        all.add(lag);
        if (i < tenth) {
          first.add(lag);
        }
        if (i >= frames - tenth) {
          last.add(lag);
        }
      }
    }
    return new LagSummary(
        Percentiles.of(all), Percentiles.of(first), Percentiles.of(last), missing);
  }

  /** Every frame searchable and the median lag did not grow by more than {@value #GROWTH_MS} ms. */
  public boolean bounded() {
    return missing == 0
        && first.count() > 0
        && last.count() > 0
        && last.percentile(50) - first.percentile(50) <= GROWTH_MS;
  }
}
