package dev.imgsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imgsearch search IMAGE}: prints the most similar indexed images. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Find the indexed images most similar to IMAGE.")
final class SearchCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Query image file.")
  Path image;

  @Option(names = {"-k", "--k"}, defaultValue = "10", description = "Number of results (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--api", defaultValue = "http://127.0.0.1:" + LocalStackSettings.DEFAULT_HTTP_PORT, description = "Query API base URL (default: ${DEFAULT-VALUE}).")
  String api;

  @Override
  public Integer call() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(api + "/v1/search?k=" + k))
            .header("Content-Type", "image/" + contentSubtype(image))
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofFile(image))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode body = new ObjectMapper().readTree(response.body());
    if (response.statusCode() != 200) {
      System.err.println("search failed (" + response.statusCode() + "): " + body.path("error").path("message").asText(response.body()));
      return 1;
    }
    System.out.print(format(body));
    return 0;
  }

  static String contentSubtype(Path image) {
    String ext = IngestCommand.extension(image);
    return switch (ext) {
      case "jpg", "jpeg" -> "jpeg";
      case "tif" -> "tiff";
      case "" -> "*";
      default -> ext;
    };
  }

  /** A fixed-width table of the results. */
  static String format(JsonNode body) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-4s %-7s %-34s %-14s %s%n", "#", "score", "id", "source", "key"));
    int i = 0;
    for (JsonNode r : body.path("results")) {
      sb.append(String.format("%-4d %-7.4f %-34s %-14s %s/%s%n", ++i, r.path("score").asDouble(), r.path("id").asText(),
          r.path("source").asText(), r.path("bucket").asText(), r.path("key").asText()));
    }
    sb.append(String.format("%d results in %d ms%n", i, body.path("tookMs").asLong()));
    return sb.toString();
  }
}
