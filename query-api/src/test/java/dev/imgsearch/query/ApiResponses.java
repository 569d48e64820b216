package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the HTTP tests of the API (unit tests and ITs) send, and read from and assert on responses.
 */
public final class ApiResponses {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The boundary of {@link #multipartBody}. */
  public static final String BOUNDARY = "----imgsearch-test-boundary";

  /** The {@code Content-Type} of a {@link #multipartBody}. */
  public static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

  private ApiResponses() {}

  public static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** The ids of a search response's results, in order. */
  public static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.get("results").forEach(r -> ids.add(r.get("id").asText()));
    return ids;
  }

  /**
   * Asserts an error response: {@code status}, a JSON body holding only {@code {"error":{"code",
   * "message"}}}, the code {@code code} and a message.
   */
  public static void assertError(HttpResponse<byte[]> response, int status, String code)
      throws IOException {
    String text = text(response);
    assertThat(response.statusCode())
        .as("status of %s: %s", response.uri(), text)
        .isEqualTo(status);
    assertContentType(response, "json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.size()).as(text).isEqualTo(1);
    JsonNode error = body.get("error");
    assertThat(error.get("code").asText()).as(text).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.size()).as(text).isEqualTo(2);
  }

  /** Sends {@code body} as {@code contentType} to one endpoint. */
  @FunctionalInterface
  public interface Upload {
    HttpResponse<byte[]> send(String contentType, byte[] body) throws Exception;
  }

  /**
   * Asserts the answers of an image-upload endpoint to bad bodies: none (400 {@code missing-body}),
   * {@code image} as {@code text/plain} (415 {@code unsupported-media-type}), text as {@code
   * imageType} (415 {@code image-unsupported-format}), {@code maxBody + 1} bytes (413 {@code
   * payload-too-large}).
   */
  public static void assertRejectsBadUploads(
      Upload upload, String imageType, byte[] image, int maxBody) throws Exception {
    assertError(upload.send(imageType, new byte[0]), 400, "missing-body");
    assertError(upload.send("text/plain", image), 415, "unsupported-media-type");
    assertError(
        upload.send(imageType, "not an image".getBytes(StandardCharsets.UTF_8)),
        415,
        "image-unsupported-format");
    assertError(upload.send(imageType, new byte[maxBody + 1]), 413, "payload-too-large");
  }

  /** Asserts a {@code 200} response whose {@code Content-Type} contains {@code type}. */
  public static void assertOk(HttpResponse<byte[]> response, String type) {
    assertThat(response.statusCode()).as("status of %s", response.uri()).isEqualTo(200);
    assertContentType(response, type);
  }

  private static void assertContentType(HttpResponse<byte[]> response, String type) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains(type));
  }

  /** An open {@code text/event-stream} response and the reader of its lines. */
  public record EventStream(HttpResponse<InputStream> response, BufferedReader lines)
      implements Closeable {
    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }

  /**
   * Opens the alert stream at {@code url} as an event-stream client; asserts 200, an event-stream
   * {@code Content-Type} and the first line, {@code : connected} (subscribed from here on).
   */
  public static EventStream openAlertStream(HttpClient http, String url)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build();
    HttpResponse<InputStream> response = http.send(req, BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .contains("text/event-stream");
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(lines.readLine()).isEqualTo(": connected");
    return new EventStream(response, lines);
  }

  /**
   * A {@code multipart/form-data} body (content type {@link #MULTIPART}) of one file part, {@code
   * field}, named {@code filename}.
   */
  public static byte[] multipartBody(
      String field, String filename, String contentType, byte[] file) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\""
                + field
                + "\"; filename=\""
                + filename
                + "\"\r\n"
                + "Content-Type: "
                + contentType
                + "\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return body.toByteArray();
  }

  /**
   * A request to {@code url} with an optional JSON body ({@code null}: none), bounded by {@code
   * timeout}.
   */
  public static HttpRequest jsonRequest(String method, String url, String json, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    b.method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return b.build();
  }
}
