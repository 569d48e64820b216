package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
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
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).contains("json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.size()).as(text).isEqualTo(1);
    JsonNode error = body.get("error");
    assertThat(error.get("code").asText()).as(text).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    assertThat(error.size()).as(text).isEqualTo(2);
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
