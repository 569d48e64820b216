package dev.imgsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imgsearch alerts [--watch ID]}: tails the query API's alert stream, one line per alert.
 */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = "Print alerts of the watches as they are raised (Ctrl-C to stop).")
final class AlertsCommand extends ApiCommand {

  @Option(names = "--watch", paramLabel = "ID", description = "Only this watch's alerts.")
  String watch;

  @Option(
      names = "--count",
      paramLabel = "N",
      description = "Stop after N alerts (default: run until stopped).")
  Integer count;

  @Override
  public Integer call() throws Exception {
    if (watch != null) {
      watchId(watch);
    }
    if (count != null && count < 1) {
      throw new IllegalArgumentException("--count must be ≥ 1");
    }
    ApiCall call = api.call();
    var request =
        call.request("/v1/alerts/stream" + (watch == null ? "" : "?watch=" + watch))
            .header("Accept", "text/event-stream")
            .GET()
            .build();
    HttpResponse<InputStream> response =
        call.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      ApiCall.expect(
          200,
          response.statusCode(),
          new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
    }
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper json = new ObjectMapper();
    int printed = 0;
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      SseEvents events = new SseEvents();
      for (String alert; (alert = events.next(lines, "alert")) != null; ) {
        out.println(format(json.readTree(alert)));
        out.flush();
        if (count != null && ++printed >= count) {
          return 0;
        }
      }
    }
    throw new IllegalStateException("the alert stream ended");
  }

  /** One line of an alert: when, which watch, which image, how close, from where. */
  static String format(JsonNode a) {
    String dist =
        a.path("hammingDistance").isNumber()
            ? " distance " + a.path("hammingDistance").asInt()
            : "";
    return String.format(
        "%s  %s (%s)  image %s  score %.4f%s  source %s  %s/%s",
        a.path("matchedAt").asText(),
        a.path("watchName").asText(),
        a.path("watchId").asText(),
        a.path("imageId").asText(),
        a.path("score").asDouble(),
        dist,
        a.path("source").asText("-"),
        a.path("bucket").asText(),
        a.path("key").asText());
  }
}
