package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ports of a running Milvus server, read from the process (the launcher picks them), and probes
 * of them: the proxy (gRPC) port from the config the launcher writes, the health port from the
 * server's environment.
 */
final class MilvusPorts {
  static final int DEFAULT_HEALTH_PORT = 9091;

  private static final Logger LOG = LoggerFactory.getLogger(MilvusPorts.class);
  private static final Pattern PROXY_PORT =
      Pattern.compile("(?m)^proxy:\\R(?:(?:  .*|\\s*)\\R)*?  port: (\\d+)");

  private MilvusPorts() {}

  /**
   * The server's health port: {@code METRICS_PORT} in its environment ({@code /proc}), which the
   * launcher picks.
   */
  static int healthPort(ProcessHandle server) {
    try {
      byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(server.pid()), "environ"));
      for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
        if (entry.startsWith("METRICS_PORT=")) {
          return Integer.parseInt(entry.substring("METRICS_PORT=".length()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.debug(
          "cannot read the environment of {}; assuming health port {}",
          server.pid(),
          DEFAULT_HEALTH_PORT,
          e);
    }
    return DEFAULT_HEALTH_PORT;
  }

  /**
   * The proxy (gRPC) port from the config the launcher wrote in {@code dir} just before starting
   * the server.
   */
  static int proxyPort(Path dir) {
    Path config = dir.resolve("configs/milvus.yaml");
    try {
      return proxyPort(Files.readString(config, StandardCharsets.UTF_8))
          .orElseThrow(() -> new IllegalStateException("no proxy.port in " + config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + config, e);
    }
  }

  /** The {@code proxy: port:} of a {@code milvus.yaml}; empty when it has none. */
  static OptionalInt proxyPort(String milvusYaml) {
    Matcher m = PROXY_PORT.matcher(milvusYaml);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /** Whether {@code GET /healthz} on {@code port} answers 200 with "OK". */
  static boolean healthy(int port) {
    try {
      HttpURLConnection c =
          (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/healthz").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try (InputStream in = c.getInputStream()) {
        return c.getResponseCode() == 200
            && new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("OK");
      } finally {
        c.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  /** Whether something accepts connections on 127.0.0.1:{@code port}. */
  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
