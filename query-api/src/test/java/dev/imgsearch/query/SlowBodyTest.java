package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jetty's limits over a raw socket: a trickling body gets a JSON 408, a stalled one is dropped at
 * the idle timeout.
 */
class SlowBodyTest {

  private static final Duration IDLE = Duration.ofMillis(700);

  private QueryService service;
  private QueryApi api;

  @BeforeEach
  void start() {
    TestVectorStore store = new TestVectorStore(TestImageEmbedder.DIMENSION);
    service = QueryService.builder(new TestImageEmbedder(64 * 1024), store).build();
    QueryApiOptions options =
        QueryApiOptions.defaults()
            .withAnonymousAccess()
            .withMinRequestDataRate(1024)
            .withIdleTimeout(IDLE);
    api = TestApis.start(service, options);
  }

  @AfterEach
  void stop() {
    api.stop();
    service.close();
  }

  @Test
  void aBodyTricklingBelowTheMinimumRateGetsAJson408() throws Exception {
    try (Socket s = open("/v1/search", "image/png", 10_000)) {
      OutputStream out = s.getOutputStream();
      String response = null;
      for (int i = 0; i < 10 && response == null; i++) {
        out.write(0x89);
        out.flush();
        Thread.sleep(300); // about 3 bytes a second
        response = poll(s);
      }
      assertThat(response).startsWith("HTTP/1.1 408");
      assertThat(response).contains("\"code\":\"request-timeout\"").contains("too slowly");
    }
  }

  @Test
  void aBodyThatNeverStartsIsDroppedAtTheIdleTimeout() throws Exception {
    long start = System.nanoTime();
    try (Socket s = open("/v1/search/vector", "application/json", 100)) {
      s.setSoTimeout(10_000);
      String response = readAll(s.getInputStream());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took)
          .isGreaterThanOrEqualTo(IDLE.minusMillis(50))
          .isLessThan(Duration.ofSeconds(5));
      // Jetty answers 408 or just closes; either way the connection is gone, not held
      assertThat(response)
          .satisfiesAnyOf(
              r -> assertThat(r).isEmpty(), r -> assertThat(r).startsWith("HTTP/1.1 408"));
    }
  }

  private Socket open(String path, String type, int length) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", api.port()), 5_000);
    s.getOutputStream()
        .write(
            ("POST "
                    + path
                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    + type
                    + "\r\nContent-Length: "
                    + length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  /** The whole response if the server has answered (and closed), else null. */
  private static String poll(Socket s) throws IOException {
    s.setSoTimeout(50);
    try {
      int first = s.getInputStream().read();
      if (first < 0) {
        return "";
      }
      s.setSoTimeout(5_000);
      return (char) first + readAll(s.getInputStream());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      in.transferTo(buf);
    } catch (IOException e) {
      // reset after the response: keep what arrived
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
