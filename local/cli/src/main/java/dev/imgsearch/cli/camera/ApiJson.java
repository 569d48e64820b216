package dev.imgsearch.cli.camera;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs and image POSTs to the local stack's query API; anything but 200 fails with the answer. */
final class ApiJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String api;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiJson(String api) {
    this.api = api;
  }

  JsonNode get(String pathAndQuery) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(api + pathAndQuery)).GET());
  }

  JsonNode postJpeg(String pathAndQuery, byte[] jpeg) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(api + pathAndQuery))
            .header("Content-Type", "image/jpeg")
            .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)));
  }

  private JsonNode send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r =
        http.send(
            request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          request.build().uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
