package dev.imgsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imgsearch watch add|list|rm}: standing queries of the query API ({@code /v1/watches}). */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description =
        "Manage watches: standing queries that raise an alert when a matching image is indexed.",
    subcommands = {
      WatchCommand.Add.class,
      WatchCommand.ListWatches.class,
      WatchCommand.Remove.class
    })
final class WatchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: add, list or rm");
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Watch for images like IMAGE (embedded by the query API), or like the stored image --id ID.")
  static final class Add extends ApiCommand {

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "IMAGE",
        description = "Image file to watch for (or give --id).")
    Path image;

    @Option(
        names = "--id",
        description = "A stored image (32 hex characters) to watch for, instead of a file.")
    String imageId;

    @Option(
        names = "--threshold",
        required = true,
        paramLabel = "T",
        description =
            "Cosine similarity -1..1 a match must reach; with --target near_duplicates the most pHash bits that may differ (0..64).")
    double threshold;

    @Option(names = "--name", description = "A name for the watch (default: its id).")
    String name;

    @Option(
        names = "--cooldown",
        paramLabel = "DURATION",
        description =
            "ISO-8601, e.g. PT30S: after an alert, none from the same source this long (default: PT1M).")
    String cooldown;

    @Option(
        names = "--source",
        paramLabel = "SOURCE",
        description = "Only images from this source (repeatable).")
    List<String> sources = new ArrayList<>();

    @Option(
        names = "--target",
        paramLabel = "TARGET",
        description = "frames (default) or near_duplicates.")
    String target;

    @Option(
        names = "--webhook",
        paramLabel = "URL",
        description =
            "Also POST each alert to this http(s) URL, signed (the API's webhooks.allowed-hosts must list its host).")
    String webhook;

    @Override
    public Integer call() throws Exception {
      requireImageOrId(image, imageId);
      if (cooldown != null) {
        checkCooldown(cooldown);
      }
      ApiCall call = api.call();
      HttpRequest request;
      if (image != null) {
        request =
            postImage(call.request("/v1/watches?" + queryString(fields())), image)
                .timeout(Duration.ofSeconds(60))
                .build();
      } else {
        request =
            call.request("/v1/watches")
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        jsonBody(SearchQuery.imageId(imageId), fields())))
                .build();
      }
      JsonNode w = new ObjectMapper().readTree(call.call(request, 201));
      return print(describe(w) + System.lineSeparator());
    }

    private Fields fields() {
      return new Fields(threshold, name, cooldown, sources, target, webhook);
    }
  }

  /** What {@code watch add} sends besides the query image; null fields are left out. */
  record Fields(
      double threshold,
      String name,
      String cooldown,
      List<String> sources,
      String target,
      String webhook) {}

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the watches.")
  static final class ListWatches extends ApiCommand {

    @Override
    public Integer call() throws Exception {
      ApiCall call = api.call();
      String body =
          call.call(call.request("/v1/watches").timeout(Duration.ofSeconds(30)).GET().build(), 200);
      return print(formatList(new ObjectMapper().readTree(body)));
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a watch.")
  static final class Remove extends ApiCommand {

    @Parameters(
        index = "0",
        paramLabel = "ID",
        description = "The watch id (as `imgsearch watch list` shows it).")
    String id;

    @Override
    public Integer call() throws Exception {
      ApiCall call = api.call();
      call.call(
          call.request("/v1/watches/" + watchId(id))
              .timeout(Duration.ofSeconds(30))
              .DELETE()
              .build(),
          204);
      return print("deleted watch " + id + System.lineSeparator());
    }
  }

  static void checkCooldown(String cooldown) {
    try {
      if (Duration.parse(cooldown).isNegative()) {
        throw new IllegalArgumentException("--cooldown must not be negative: " + cooldown);
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--cooldown must be an ISO-8601 duration such as PT30S, not '" + cooldown + "'");
    }
  }

  /** Query parameters of an image upload. */
  static String queryString(Fields f) {
    StringBuilder q = new StringBuilder("threshold=").append(f.threshold());
    append(q, "name", f.name());
    append(q, "cooldown", f.cooldown());
    append(q, "target", f.target());
    append(q, "webhook", f.webhook());
    for (String s : f.sources()) {
      append(q, "source", s);
    }
    return q.toString();
  }

  private static void append(StringBuilder q, String key, String value) {
    if (value != null) {
      q.append('&')
          .append(key)
          .append('=')
          .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  /** JSON body of a watch on a stored image. */
  static String jsonBody(String imageId, Fields f) {
    var node =
        new ObjectMapper()
            .createObjectNode()
            .put("imageId", imageId)
            .put("threshold", f.threshold());
    node.put("name", f.name()).put("cooldown", f.cooldown());
    node.put("target", f.target()).put("webhook", f.webhook());
    if (!f.sources().isEmpty()) {
      f.sources().forEach(node.putArray("sources")::add);
    }
    node.properties().removeIf(e -> e.getValue().isNull());
    return node.toString();
  }

  /** One line about a watch. */
  static String describe(JsonNode w) {
    List<String> sources = new ArrayList<>();
    w.path("sources").forEach(s -> sources.add(s.asText()));
    return String.format(
        "watch %s \"%s\": %s, threshold %s, cooldown %s%s%s",
        w.path("id").asText(),
        w.path("name").asText(),
        w.path("target").asText(),
        w.path("threshold").asText(),
        w.path("cooldown").asText(),
        sources.isEmpty() ? "" : ", sources " + sources,
        w.path("enabled").asBoolean(true) ? "" : " (disabled)");
  }

  /** The watches, one line each, and a count. */
  static String formatList(JsonNode body) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode w : body.path("watches")) {
      sb.append(describe(w)).append('\n');
    }
    sb.append(body.path("count").asInt()).append(" watches\n");
    return sb.toString();
  }
}
