package dev.imgsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The query API's base URL and key as the CLI commands take them, and one request to it. */
final class ApiCall {
  private final String api;
  private final String apiKey;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiCall(String api, String apiKey) {
    this.api = api;
    this.apiKey = apiKey;
  }

  /** A request to {@code pathAndQuery} with the API key, if any. */
  HttpRequest.Builder request(String pathAndQuery) {
    URI uri;
    try {
      uri = URI.create(api.replaceAll("/+$", "") + pathAndQuery);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--api is not a URL: " + api);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (apiKey != null && !apiKey.isBlank()) {
      b.header("X-API-Key", apiKey.strip());
    }
    return b;
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
      throws IOException, InterruptedException {
    try {
      return http.send(request, body);
    } catch (ConnectException e) {
      throw new IllegalStateException(
          "cannot reach the query API at " + api + " (is `./imgsearch local` running?)", e);
    }
  }

  /**
   * Sends and returns the body, or fails with the API's error message when the status is not {@code
   * expected}.
   */
  String call(HttpRequest request, int expected) throws IOException, InterruptedException {
    HttpResponse<String> r = send(request, HttpResponse.BodyHandlers.ofString());
    expect(expected, r.statusCode(), r.body());
    return r.body();
  }

  /** Fails with the API's error message when {@code status} is not {@code expected}. */
  static void expect(int expected, int status, String body) {
    if (status != expected) {
      throw new IllegalStateException("the API answered " + status + ": " + errorMessage(body));
    }
  }

  /** The API's {@code error.message}, else the body. */
  static String errorMessage(String body) {
    try {
      JsonNode message = new ObjectMapper().readTree(body).path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
    } catch (IOException notJson) {
      // fall through
    }
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }
}
