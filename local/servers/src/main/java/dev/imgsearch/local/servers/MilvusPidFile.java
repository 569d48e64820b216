package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pids and start times of the launcher and the server, kept in {@value MilvusServer#PID_FILE}
 * in the data directory ({@code pid startMillis} lines), so a start on the same directory after the
 * JVM that launched them was killed stops the leftovers first.
 */
final class MilvusPidFile {
  private static final Logger LOG = LoggerFactory.getLogger(MilvusPidFile.class);

  private MilvusPidFile() {}

  /** Records {@code handles} as the processes running on {@code dir}. */
  static void write(Path dir, List<ProcessHandle> handles) {
    String content =
        handles.stream()
            .map(
                h -> h.pid() + " " + h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L))
            .collect(Collectors.joining("\n", "", "\n"));
    try {
      Files.writeString(dir.resolve(MilvusServer.PID_FILE), content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(MilvusServer.PID_FILE), e);
    }
  }

  /** Removes the record of a server that was stopped; a failure is logged. */
  static void delete(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(MilvusServer.PID_FILE));
    } catch (IOException e) {
      LOG.warn("cannot delete {}", dir.resolve(MilvusServer.PID_FILE), e);
    }
  }

  /**
   * Stops the recorded processes that still run with the recorded start time (SIGTERM, SIGKILL
   * after {@code grace}) and deletes the file; an unreadable file is ignored.
   */
  static void stopLeftovers(Path dir, Duration grace) {
    Path file = dir.resolve(MilvusServer.PID_FILE);
    if (!Files.isRegularFile(file)) {
      return;
    }
    List<ProcessHandle> leftovers = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length == 2) {
          long pid = Long.parseLong(parts[0]);
          long started = Long.parseLong(parts[1]);
          ProcessHandle.of(pid)
              .filter(MilvusProcessTree::running)
              .filter(
                  h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started)
              .ifPresent(leftovers::add);
        }
      }
      Files.delete(file);
    } catch (IOException | NumberFormatException e) {
      LOG.warn("ignoring unreadable {}", file, e);
    }
    if (!leftovers.isEmpty()) {
      List<Long> pids = leftovers.stream().map(ProcessHandle::pid).toList();
      LOG.warn("stopping Milvus processes left running on {}: {}", dir, pids);
      ChildProcesses.terminate(leftovers, grace, MilvusProcessTree::running);
    }
  }
}
