package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.putPhoto;
import static dev.imgsearch.cli.StackClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.ImageIds;
import io.minio.MinioClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's metrics endpoints serve, in Prometheus format, the names the k8s dashboard and
 * alerts query: after uploads, the Flink endpoint has the indexer sink's end-to-end freshness
 * histogram with one sample per upload and ages no longer than the test took, ingest-stream's
 * endpoint counts the events, and the query API's serves its own.
 */
class LocalStackMetricsIT {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*})?\\s+(\\S+)");

  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  record Sample(String name, String labels, double value) {}

  @Test
  void uploadsShowUpInTheFreshnessHistogramOnTheFlinkEndpointAndInIngestStreamsMetrics()
      throws Exception {
    List<Path> photos = LocalStackContract.jpegPhotos(3);
    assertThat(photos).hasSize(3);

    try (LocalStack stack =
        LocalStack.start(LocalStackSettings.ephemeral(dataDir, "embedded", null))) {
      assertThat(stack.ingestMetricsUrl()).doesNotEndWith(":-1/metrics");
      MinioClient s3 = StackClient.s3(stack);
      String bucket = stack.settings().bucket();
      long start = System.currentTimeMillis();
      for (Path p : photos) {
        putPhoto(s3, bucket, "cam-m/" + p.getFileName(), p, "cam-m");
      }
      String api = stack.queryApiUrl();
      LocalStackContract.await(
          Duration.ofMinutes(3),
          () ->
              photos.stream()
                  .allMatch(
                      p ->
                          status(
                                  api
                                      + "/v1/images/"
                                      + ImageIds.of(bucket, "cam-m/" + p.getFileName()))
                              == 200));

      String freshness = "flink_taskmanager_job_task_operator_freshnessMs";
      LocalStackContract.await(
          Duration.ofSeconds(30),
          () -> value(scrape(stack.flinkMetricsUrl()), freshness + "_count", "") >= photos.size());
      long elapsed = System.currentTimeMillis() - start;
      List<Sample> flink = scrape(stack.flinkMetricsUrl());
      assertThat(value(flink, freshness + "_count", "")).isGreaterThanOrEqualTo(photos.size());
      double p99 = value(flink, freshness, "quantile=\"0.99\"");
      double median = value(flink, freshness, "quantile=\"0.5\"");
      assertThat(median).isGreaterThan(0).isLessThanOrEqualTo(p99);
      assertThat(p99).as("no upload is older than the test").isLessThanOrEqualTo(elapsed);
      // the sink's other metrics and the JobManager's, under the same reporter
      assertThat(flink)
          .anySatisfy(
              s ->
                  assertThat(s.name())
                      .isEqualTo("flink_taskmanager_job_task_operator_numRecordsSend"));
      assertThat(flink)
          .anySatisfy(s -> assertThat(s.name()).isEqualTo("flink_jobmanager_job_numRestarts"));

      List<Sample> ingest = scrape(stack.ingestMetricsUrl());
      assertThat(
              ingest.stream()
                  .filter(s -> s.name().equals("imgsearch_ingest_events_total"))
                  .mapToDouble(Sample::value)
                  .sum())
          .isGreaterThanOrEqualTo(photos.size());

      List<Sample> query = scrape(api + "/metrics");
      assertThat(query)
          .as(query.toString())
          .anySatisfy(s -> assertThat(s.name()).startsWith("http_server_requests_seconds"));
    }
  }

  private List<Sample> scrape(String url) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(url).isEqualTo(200);
      List<Sample> out = new ArrayList<>();
      for (String line : r.body().split("\n")) {
        Matcher m = SAMPLE.matcher(line);
        if (!line.startsWith("#") && m.find()) {
          out.add(
              new Sample(
                  m.group(1),
                  m.group(2) == null ? "" : m.group(2),
                  Double.parseDouble(m.group(3))));
        }
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("scraping " + url + ": " + e, e);
    }
  }

  /** The one sample of {@code name} whose labels contain {@code label}; -1 when there is none. */
  private static double value(List<Sample> samples, String name, String label) {
    List<Sample> found =
        samples.stream().filter(s -> s.name().equals(name) && s.labels().contains(label)).toList();
    assertThat(found.size()).as(name + " " + label + ": " + found).isLessThanOrEqualTo(1);
    return found.isEmpty() ? -1 : found.get(0).value();
  }
}
