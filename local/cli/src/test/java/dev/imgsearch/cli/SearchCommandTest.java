package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code imgsearch search} against a stand-in for the query API: what it sends, what it prints. */
class SearchCommandTest {
  static final String BODY =
      "{\"results\":[{\"id\":\"87337b30b62df7aec5aeeb6d1d25a912\",\"score\":0.97,\"bucket\":\"images\",\"key\":\"cam-1/cat.jpg\","
          + "\"source\":\"cam-1\",\"capturedAt\":\"2024-05-01T12:00:00Z\",\"tags\":[\"night\"]}],"
          + "\"k\":1,\"offset\":0,\"nextOffset\":1,\"tookMs\":7}";

  record Request(String method, String uri, String contentType, String apiKey, int bodyBytes) {}

  @TempDir Path tmp;
  HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  volatile String answer = BODY;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          requests.add(
              new Request(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().toString(),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  exchange.getRequestHeaders().getFirst("X-API-Key"),
                  body.length));
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String api() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void anImageSearchSendsTheBytesWithTheFiltersAndJsonPrintsTheRawResponse() throws Exception {
    Path image = Files.write(tmp.resolve("q.jpg"), new byte[1234]);
    CliUsageErrorsTest.Run r =
        CliUsageErrorsTest.run(
            "search",
            image.toString(),
            "--api",
            api(),
            "-k",
            "3",
            "--source",
            "cam-1,cam-2",
            "--tags",
            "night",
            "--from",
            "2024-05-01T00:00:00Z",
            "--to",
            "2024-06-01T00:00:00Z",
            "--min-score",
            "0.5",
            "--json",
            "--api-key",
            "k-0123456789abcdef");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(BODY + System.lineSeparator());
    Request sent = requests.get(0);
    assertThat(sent.method()).isEqualTo("POST");
    assertThat(sent.uri())
        .isEqualTo(
            "/v1/search?k=3&source=cam-1&source=cam-2&tags=night&from=2024-05-01T00%3A00%3A00Z&to=2024-06-01T00%3A00%3A00Z&minScore=0.5");
    assertThat(sent.contentType()).isEqualTo("image/jpeg");
    assertThat(sent.bodyBytes()).isEqualTo(1234);
    assertThat(sent.apiKey()).isEqualTo("k-0123456789abcdef");
  }

  @Test
  void anIdSearchAsksForTheStoredImagesNeighboursAndPrintsATable() {
    CliUsageErrorsTest.Run r =
        CliUsageErrorsTest.run(
            "search", "--id", "87337b30b62df7aec5aeeb6d1d25a912", "--api", api(), "--offset", "10");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(requests.get(0).method()).isEqualTo("GET");
    assertThat(requests.get(0).uri())
        .isEqualTo("/v1/images/87337b30b62df7aec5aeeb6d1d25a912/similar?k=10&offset=10");
    assertThat(requests.get(0).apiKey()).isNull();
    assertThat(r.out())
        .contains("87337b30b62df7aec5aeeb6d1d25a912")
        .contains("2024-05-01T12:00:00Z")
        .contains("images/cam-1/cat.jpg [night]")
        .contains("1 results in 7 ms (next page: --offset 1)");
  }

  @Test
  void anApiErrorIsOneLineWithItsMessageAndExit1() {
    status = 404;
    answer =
        "{\"error\":{\"code\":\"not-found\",\"message\":\"no image with id 87337b30b62df7aec5aeeb6d1d25a912\"}}";
    CliUsageErrorsTest.Run r =
        CliUsageErrorsTest.run(
            "search", "--id", "87337b30b62df7aec5aeeb6d1d25a912", "--api", api());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines().toList())
        .containsExactly(
            "imgsearch search: the API answered 404: no image with id 87337b30b62df7aec5aeeb6d1d25a912");
    assertThat(r.out()).isEmpty();
  }
}
