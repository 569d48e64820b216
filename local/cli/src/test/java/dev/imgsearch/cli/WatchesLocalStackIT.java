package dev.imgsearch.cli;

import static dev.imgsearch.cli.StackClient.get;
import static dev.imgsearch.cli.StackClient.put;
import static dev.imgsearch.cli.StackClient.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.schemas.ImageIds;
import io.minio.MinioClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Watches end to end on the local stack (embedded store): an uploaded photo becomes a watch through
 * the CLI, copies of it uploaded afterwards raise alerts that reach the SSE stream and `imgsearch
 * alerts`; upload → alert latency printed. With detection on, the preview of an object and a face
 * watch agrees with the alerts they raise.
 */
class WatchesLocalStackIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern WATCHES_ACTIVE = Pattern.compile("watchesActive\\{[^}]*} 1\\.0");
  private static final Pattern WATCHES_ACTIVE_3 = Pattern.compile("watchesActive\\{[^}]*} 3\\.0");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dataDir;

  @Test
  void aCopyOfAWatchedPhotoRaisesAnAlertOnTheStream() throws Exception {
    byte[] photo = Files.readAllBytes(LocalStackContract.photosDir().resolve("aloeL.jpg"));
    try (LocalStack stack =
        LocalStack.start(LocalStackSettings.ephemeral(dataDir, "embedded", null))) {
      MinioClient s3 = StackClient.s3(stack);
      String bucket = stack.settings().bucket();
      String api = stack.queryApiUrl();
      put(s3, bucket, "cam-1/aloe.jpg", photo, "image/jpeg", Map.of("source", "cam-1"));
      String original = ImageIds.of(bucket, "cam-1/aloe.jpg");
      LocalStackContract.await(
          Duration.ofMinutes(2), () -> status(api + "/v1/images/" + original) == 200);

      CliUsageErrorsTest.Run added =
          CliUsageErrorsTest.run(
              "watch",
              "add",
              "--id",
              original,
              "--threshold",
              "0.95",
              "--name",
              "aloe",
              "--cooldown",
              "PT0S",
              "--api",
              api);
      assertThat(added.exitCode()).as(added.err()).isZero();
      assertThat(added.out()).contains("\"aloe\": FRAMES, threshold 0.95, cooldown PT0S");
      String watchId = added.out().split(" ")[1];
      // the job has read the watch (its broadcast input) before the copies are uploaded
      LocalStackContract.await(
          Duration.ofSeconds(60),
          () -> WATCHES_ACTIVE.matcher(get(stack.flinkMetricsUrl())).find());

      StringWriter cliOut = new StringWriter();
      CompletableFuture<Integer> cli =
          CompletableFuture.supplyAsync(
              () -> {
                picocli.CommandLine c = Main.commandLine();
                c.setOut(new PrintWriter(cliOut));
                c.setErr(new PrintWriter(new StringWriter()));
                return c.execute("alerts", "--watch", watchId, "--count", "3", "--api", api);
              });
      HttpResponse<InputStream> stream =
          http.send(
              HttpRequest.newBuilder(URI.create(api + "/v1/alerts/stream"))
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo(": connected");
      Thread.sleep(1000); // the CLI's stream connects too

      List<Long> latencies = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        String key = "cam-9/copy-" + i + ".jpg";
        long start = System.nanoTime();
        put(s3, bucket, key, photo, "image/jpeg", Map.of("source", "cam-1"));
        JsonNode alert = nextAlert(lines);
        latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(alert.get("imageId").asText()).isEqualTo(ImageIds.of(bucket, key));
        assertThat(alert.get("watchId").asText()).isEqualTo(watchId);
        assertThat(alert.get("score").asDouble()).isGreaterThan(0.99);
        assertThat(alert.get("source").asText()).isEqualTo("cam-1");
      }
      System.out.println("upload -> alert on the SSE stream, ms: " + latencies);
      stream.body().close();

      assertThat(cli.get(60, TimeUnit.SECONDS)).isZero();
      assertThat(cliOut.toString().lines())
          .hasSize(3)
          .allMatch(l -> l.contains("aloe (" + watchId + ")"));
      JsonNode history = JSON.readTree(get(api + "/v1/watches/" + watchId + "/alerts"));
      assertThat(history.get("alerts")).hasSize(3);

      assertThat(CliUsageErrorsTest.run("watch", "list", "--api", api).out())
          .contains("\"aloe\"")
          .contains("1 watches");
      assertThat(CliUsageErrorsTest.run("watch", "rm", watchId, "--api", api).exitCode()).isZero();
      assertThat(CliUsageErrorsTest.run("watch", "list", "--api", api).out()).contains("0 watches");
      CliUsageErrorsTest.Run again = CliUsageErrorsTest.run("watch", "rm", watchId, "--api", api);
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err()).contains("404").contains("no watch with id");
    }
  }

  /**
   * Preview agrees with the live watch: a frame watch (the messi5 photo), an object watch (messi5's
   * player, class person) and a face watch (his face) are previewed over the stored photos, then
   * armed; copies of the same photos raise alerts on exactly the images, objects and faces the
   * preview matched.
   */
  @Test
  void thePreviewOfFrameObjectAndFaceWatchesMatchesWhatTheyRaiseOnCopies() throws Exception {
    List<String> photos = List.of("messi5.jpg", "basketball1.png");
    try (LocalStack stack =
        LocalStack.start(
            LocalStackSettings.ephemeral(dataDir, "embedded", null),
            Map.of("detect", "objects,faces"))) {
      MinioClient s3 = StackClient.s3(stack);
      String bucket = stack.settings().bucket();
      String api = stack.queryApiUrl();
      putAll(s3, bucket, api, "cam-1/", photos);
      String messi = ImageIds.of(bucket, "cam-1/messi5.jpg");
      JsonNode items = JSON.readTree(get(api + "/v1/images/" + messi + "/objects"));
      String person = null;
      for (JsonNode o : items.get("objects")) {
        if (person == null && o.get("label").asText().equals("person")) {
          person = o.get("id").asText();
        }
      }
      assertThat(person).as(items.toString()).isNotNull();
      String face = items.get("faces").get(0).get("id").asText();

      Map<String, Set<String>> expected = new HashMap<>();
      List<String> watchIds = new ArrayList<>();
      List<String> watches =
          List.of(
              "{\"name\":\"n\",\"imageId\":\"" + messi + "\"",
              "{\"name\":\"n\",\"objectId\":\"" + person + "\",\"classes\":[\"person\"]",
              "{\"name\":\"n\",\"objectId\":\"" + face + "\"");
      List<String> ownMatch =
          List.of(
              "cam-1/messi5.jpg",
              "cam-1/messi5.jpg" + suffix(person),
              "cam-1/messi5.jpg" + suffix(face));
      for (int w = 0; w < watches.size(); w++) {
        String watch = watches.get(w) + ",\"threshold\":0.8,\"cooldown\":\"PT0S\"}";
        JsonNode preview = post(api + "/v1/watches/preview", watch, 200);
        Set<String> matched = new TreeSet<>();
        for (JsonNode m : preview.get("matches")) {
          String id = m.path("objectId").asText(null);
          matched.add(
              m.get("key").asText() + (id == null ? "" : id.substring(id.lastIndexOf('.'))));
        }
        assertThat(matched).as(preview.toString()).contains(ownMatch.get(w));
        String watchId = post(api + "/v1/watches", watch, 201).get("id").asText();
        watchIds.add(watchId);
        expected.put(watchId, matched);
      }
      LocalStackContract.await(
          Duration.ofSeconds(60),
          () -> WATCHES_ACTIVE_3.matcher(get(stack.flinkMetricsUrl())).find());

      putAll(s3, bucket, api, "copy/", photos); // the same photos, now watched, still from cam-1
      Map<String, Set<String>> want = new HashMap<>();
      expected.forEach(
          (watchId, matched) -> {
            Set<String> copies = new TreeSet<>();
            matched.forEach(m -> copies.add("copy/" + m.substring("cam-1/".length())));
            want.put(watchId, copies);
          });
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (watchIds.stream().anyMatch(id -> alertsOf(api, id).size() < want.get(id).size())
          && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      Thread.sleep(1000); // an alert the preview did not foresee would come with the others
      for (String watchId : watchIds) {
        assertThat(alertsOf(api, watchId)).as("alerts of " + watchId).isEqualTo(want.get(watchId));
      }
      System.out.println("preview = live alerts of the frame / object / face watches: " + expected);
    }
  }

  private static void putAll(
      MinioClient s3, String bucket, String api, String prefix, List<String> photos)
      throws Exception {
    for (String name : photos) {
      put(
          s3,
          bucket,
          prefix + name,
          Files.readAllBytes(LocalStackContract.photosDir().resolve(name)),
          name.endsWith(".png") ? "image/png" : "image/jpeg",
          Map.of("source", "cam-1"));
    }
    for (String name : photos) {
      String id = ImageIds.of(bucket, prefix + name);
      LocalStackContract.await(
          Duration.ofMinutes(2), () -> status(api + "/v1/images/" + id) == 200);
    }
  }

  /** {@code .o3} / {@code .f0} of an item id. */
  private static String suffix(String itemId) {
    return itemId.substring(itemId.lastIndexOf('.'));
  }

  /**
   * The alerts of a watch as key + item suffix ({@code copy/messi5.jpg.o0}), the key alone for a
   * frame alert.
   */
  private static Set<String> alertsOf(String api, String watchId) {
    try {
      JsonNode history = JSON.readTree(get(api + "/v1/watches/" + watchId + "/alerts?limit=100"));
      Set<String> out = new TreeSet<>();
      for (JsonNode a : history.get("alerts")) {
        if (!a.has("objectIndex")) {
          out.add(a.get("key").asText());
          continue;
        }
        String letter = a.get("label").asText().equals("face") ? ".f" : ".o";
        out.add(a.get("key").asText() + letter + a.get("objectIndex").asInt());
      }
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode post(String url, String json, int status) throws Exception {
    return StackClient.json(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        status);
  }

  private static JsonNode nextAlert(BufferedReader lines) throws Exception {
    CompletableFuture<String> data =
        CompletableFuture.supplyAsync(
            () -> {
              String alert;
              try {
                alert = new SseEvents().next(lines, "alert");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              if (alert == null) {
                throw new AssertionError("stream ended");
              }
              return alert;
            });
    return JSON.readTree(data.get(60, TimeUnit.SECONDS));
  }
}
