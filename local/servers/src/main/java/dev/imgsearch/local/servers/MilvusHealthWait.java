package dev.imgsearch.local.servers;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Waits for a launched server to become healthy: the launcher's {@code milvus} child is found, then
 * its health port answers and its proxy port accepts connections. A launcher or server that exits,
 * or no health within {@link #START_TIMEOUT}, fails with the tails of the three logs in the
 * message.
 */
final class MilvusHealthWait {
  static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private static final Duration POLL = Duration.ofMillis(200);
  private static final int TAIL_LINES = 30;
  private static final int TAIL_LINE_CHARS = 400;

  private MilvusHealthWait() {}

  /**
   * Polls until the server launched at {@code begin} by {@code started} on {@code dir} is healthy;
   * returns its gRPC URI. The pid file records the server once found, and {@code onHealthPort} gets
   * its health port.
   *
   * @throws IllegalStateException when it exits or is not healthy within {@link #START_TIMEOUT}
   */
  static String await(Process started, Path dir, Instant begin, IntConsumer onHealthPort) {
    Instant deadline = begin.plus(START_TIMEOUT);
    ProcessHandle server = null;
    int healthPort = -1;
    int proxyPort = -1;
    while (Instant.now().isBefore(deadline)) {
      if (!started.isAlive()) {
        throw failure(dir, "the launcher exited with code " + started.exitValue());
      }
      if (server == null) {
        server =
            started
                .toHandle()
                .children()
                .filter(MilvusProcessTree::running)
                .findFirst()
                .orElse(null);
        if (server != null) {
          MilvusPidFile.write(dir, List.of(started.toHandle(), server));
          healthPort = MilvusPorts.healthPort(server);
          onHealthPort.accept(healthPort);
          proxyPort = MilvusPorts.proxyPort(dir);
        }
      } else if (!MilvusProcessTree.running(server)) {
        throw failure(dir, "the milvus process " + server.pid() + " exited");
      } else if (MilvusPorts.healthy(healthPort) && MilvusPorts.listening(proxyPort)) {
        return "http://127.0.0.1:" + proxyPort;
      }
      MilvusWaits.sleep(POLL);
    }
    throw failure(dir, "not healthy within " + START_TIMEOUT.toSeconds() + " s");
  }

  private static IllegalStateException failure(Path dir, String why) {
    StringBuilder message = new StringBuilder("Milvus standalone failed to start: ").append(why);
    List<Path> logs =
        List.of(
            dir.resolve(MilvusServer.LOG_FILE),
            dir.resolve("logs/milvus-stderr.log"),
            dir.resolve("logs/milvus-stdout.log"));
    for (Path log : logs) {
      message
          .append("\n--- last lines of ")
          .append(log)
          .append(":\n")
          .append(ChildProcesses.tail(log, TAIL_LINES, TAIL_LINE_CHARS));
    }
    return new IllegalStateException(message.toString());
  }
}
