package dev.imgsearch.cli;

import dev.imgsearch.embedder.image.TurboJpeg;
import dev.imgsearch.query.server.QueryServerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The query API in its own JVM: {@code dev.imgsearch.query.server.QueryServer} (the container entry
 * point) on this JVM's class path, with {@link QueryApiCommandLine}'s flags and environment (none
 * of the caller's {@code IMGSEARCH_QUERY_*} variables: it runs with exactly these settings), output
 * to a log file. {@link #close()} sends SIGTERM (the server's shutdown hook closes HTTP, the store
 * and the model) and SIGKILL after 15 s.
 */
final class QueryApiProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final Path log;
  private final int port;

  private QueryApiProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Process id of the query API's JVM (for CPU figures). */
  long pid() {
    return process.pid();
  }

  /** Launches the server; {@link #awaitServing} waits until it answers. */
  static QueryApiProcess launch(QueryServerSettings settings, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    String turbo = System.getProperty(TurboJpeg.LIBRARY_PROPERTY);
    if (turbo != null) {
      command.add("-D" + TurboJpeg.LIBRARY_PROPERTY + "=" + turbo);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(QueryApiCommandLine.MAIN_CLASS);
    command.addAll(QueryApiCommandLine.args(settings));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith(QueryServerSettings.ENV_PREFIX));
    builder.environment().putAll(QueryApiCommandLine.env(settings));
    try {
      Files.createDirectories(log.getParent());
      builder.redirectOutput(log.toFile());
      return new QueryApiProcess(builder.start(), log, settings.httpPort());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the query API's process", e);
    }
  }

  /**
   * Waits until {@code /healthz} answers 200 (the store and the model are open, HTTP listens).
   *
   * @throws IllegalStateException when the process exits or is not up within 2 minutes, with the
   *     end of its log
   */
  void awaitServing() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest health =
        HttpRequest.newBuilder(URI.create(url() + "/healthz"))
            .timeout(Duration.ofSeconds(5))
            .build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the query API's process exited with "
                + process.exitValue()
                + "; its log ends:\n"
                + tail());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the query API", e);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the query API is not serving within "
                + START_TIMEOUT.toSeconds()
                + " s; its log ends:\n"
                + tail());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the query API", e);
      }
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(" + log + " unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "query API process " + process.pid();
  }
}
