package dev.imgsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imgsearch search IMAGE | --id ID}: prints the most similar indexed images. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Find the indexed images most similar to IMAGE, or to the stored image --id ID.",
      "Filters: --source, --tags (any of; comma-separated or repeated), --from/--to (capture time)."
    })
final class SearchCommand extends ApiCommand {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "IMAGE",
      description = "Query image file (or give --id).")
  Path image;

  @Option(
      names = "--id",
      description =
          "Search similar to this stored image (32 hex characters, as in the results) instead of a file.")
  String id;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "10",
      description = "Number of results, 1..1000 (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--offset",
      defaultValue = "0",
      description = "Results to skip (paging; default: ${DEFAULT-VALUE}).")
  int offset;

  @Option(
      names = "--source",
      paramLabel = "SOURCE[,SOURCE...]",
      description = "Only images from any of these sources.")
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--tags",
      paramLabel = "TAG[,TAG...]",
      description = "Only images with any of these tags.")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description = "Captured at or after, ISO-8601 (e.g. 2024-05-01T00:00:00Z).")
  String from;

  @Option(names = "--to", paramLabel = "INSTANT", description = "Captured before, ISO-8601.")
  String to;

  @Option(
      names = "--min-score",
      paramLabel = "SCORE",
      description = "Drop results scoring below this (-1..1).")
  Double minScore;

  @Option(names = "--json", description = "Print the API's JSON response as is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    requireImageOrId(image, id);
    String query = SearchQuery.queryString(k, offset, sources, tags, from, to, minScore);
    ApiCall call = api.call();
    HttpRequest.Builder request;
    if (id != null) {
      request = call.request("/v1/images/" + SearchQuery.imageId(id) + "/similar?" + query).GET();
    } else {
      request = postImage(call.request("/v1/search?" + query), image);
    }
    String body = call.call(request.timeout(Duration.ofSeconds(60)).build(), 200);
    return print(json ? body + System.lineSeparator() : format(new ObjectMapper().readTree(body)));
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
    sb.append(
        String.format(
            "%-4s %-7s %-32s %-20s %-14s %s%n",
            "#", "score", "id", "captured", "source", "bucket/key [tags]"));
    int i = body.path("offset").asInt(0);
    int n = 0;
    for (JsonNode r : body.path("results")) {
      List<String> tagList = new ArrayList<>();
      r.path("tags").forEach(t -> tagList.add(t.asText()));
      sb.append(
          String.format(
              "%-4d %-7.4f %-32s %-20s %-14s %s/%s%s%n",
              ++i,
              r.path("score").asDouble(),
              r.path("id").asText(),
              r.path("capturedAt").asText(""),
              r.path("source").asText(),
              r.path("bucket").asText(),
              r.path("key").asText(),
              tagList.isEmpty() ? "" : " " + tagList));
      n++;
    }
    sb.append(
        String.format(
            "%d results in %d ms%s%n",
            n,
            body.path("tookMs").asLong(),
            body.path("nextOffset").isNumber()
                ? " (next page: --offset " + body.path("nextOffset").asInt() + ")"
                : ""));
    return sb.toString();
  }
}
