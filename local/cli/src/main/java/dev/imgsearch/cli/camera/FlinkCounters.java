package dev.imgsearch.cli.camera;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The embedder job's frame counters ({@code imagesEmbedded}, {@code imagesGated}) read from the
 * Flink MiniCluster's Prometheus endpoint, summed over the operator's subtasks.
 *
 * @param embedded frames run through the model
 * @param gated frames indexed with their scene's vector (scene-change gating)
 */
public record FlinkCounters(long embedded, long gated) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Reads both counters at {@code metricsUrl}. */
  public static FlinkCounters read(String metricsUrl) throws Exception {
    String text =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(metricsUrl))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return parse(text);
  }

  /** Both counters in a Prometheus text exposition (pure; tested). */
  static FlinkCounters parse(String text) {
    return new FlinkCounters(sum(text, "imagesEmbedded"), sum(text, "imagesGated"));
  }

  /**
   * The sum of the samples of every series whose metric name ends in {@code _<metric>} (Flink's
   * reporter prefixes the scope, e.g. {@code flink_taskmanager_job_task_operator_imagesEmbedded});
   * 0 when there is none.
   */
  static long sum(String text, String metric) {
    double sum = 0;
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int nameEnd = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, nameEnd >= 0 ? nameEnd : Math.max(0, space));
      if (name.endsWith("_" + metric) && space > 0) {
        sum += Double.parseDouble(line.substring(space + 1));
      }
    }
    return Math.round(sum);
  }

  /** The frames counted since {@code before}. */
  public FlinkCounters minus(FlinkCounters before) {
    return new FlinkCounters(embedded - before.embedded, gated - before.gated);
  }
}
