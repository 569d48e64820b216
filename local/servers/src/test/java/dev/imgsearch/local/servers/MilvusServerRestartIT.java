package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link MilvusServer#stop}, {@link MilvusServer#kill()} and {@link MilvusServer#restart()} bring
 * the same server back on the same ports, even when the old server's connections are still in
 * TIME_WAIT on its proxy port (a client connected while it went down), which made the plain
 * launcher move to the next port.
 */
class MilvusServerRestartIT {
  @Test
  void stopAndKillThenRestartKeepTheSamePorts() throws Exception {
    assumeTrue(
        System.getenv(MilvusServer.URI_ENV) == null,
        "an external server is not restarted by tests");
    try (MilvusServer server = MilvusServer.start(Path.of("target", "milvus-restart-it"))) {
      String uri = server.uri();
      int port = URI.create(uri).getPort();
      System.out.printf("started at %s in %d ms%n", uri, server.startupTime().toMillis());

      try (Socket client =
          connect(port)) { // the server closes it: TIME_WAIT on its side of the proxy port
        Duration stop = server.stop(Duration.ofSeconds(10));
        System.out.printf("graceful stop (SIGTERM, 10 s grace) took %d ms%n", stop.toMillis());
      }
      assertThat(server.running()).isFalse();
      assertThat(listening(port)).as("stopped").isFalse();
      server.restart();
      System.out.printf(
          "restarted at %s in %d ms%n", server.uri(), server.startupTime().toMillis());
      assertThat(server.uri()).isEqualTo(uri);
      assertThat(listening(port)).isTrue();

      try (Socket client = connect(port)) {
        Duration kill = server.kill();
        System.out.printf("SIGKILL took %d ms%n", kill.toMillis());
      }
      assertThat(listening(port)).as("killed").isFalse();
      server.restart();
      System.out.printf(
          "restarted after the kill at %s in %d ms%n",
          server.uri(), server.startupTime().toMillis());
      assertThat(server.uri()).isEqualTo(uri);
      assertThat(server.running()).isTrue();
      assertThat(Files.readString(server.dataDir().orElseThrow().resolve(MilvusServer.PORTS_FILE)))
          .contains("proxy_port=" + port);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    return socket;
  }

  private static boolean listening(int port) {
    try (Socket ignored = connect(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
