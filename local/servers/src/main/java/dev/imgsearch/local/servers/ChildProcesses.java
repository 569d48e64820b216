package dev.imgsearch.local.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What the server processes of this module share: stopping children (SIGTERM, a grace period,
 * SIGKILL), a shutdown hook that stops them with this JVM, and the last lines of their output for
 * error messages.
 */
final class ChildProcesses {
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration AFTER_KILL = Duration.ofSeconds(5);

  private ChildProcesses() {}

  /** Runs {@code stop} when this JVM exits; returns the hook for {@link #cancelOnExit}. */
  static Thread onExit(String name, Runnable stop) {
    Thread hook = new Thread(stop, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  /** Removes a hook of {@link #onExit}; null or an exiting JVM (the hook runs anyway) are fine. */
  static void cancelOnExit(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook runs anyway and finds nothing left to stop.
    }
  }

  /**
   * SIGTERM to each of {@code handles}, waits up to {@code grace} until none is {@code running},
   * SIGKILL to those left, and waits up to 5 s for them to go.
   */
  static void terminate(
      List<ProcessHandle> handles, Duration grace, Predicate<ProcessHandle> running) {
    handles.forEach(ProcessHandle::destroy);
    awaitStopped(handles, grace, running);
    handles.stream().filter(running).forEach(ProcessHandle::destroyForcibly);
    awaitStopped(handles, AFTER_KILL, running);
  }

  /** Waits up to {@code timeout} until none of {@code handles} is {@code running}. */
  static void awaitStopped(
      List<ProcessHandle> handles, Duration timeout, Predicate<ProcessHandle> running) {
    Instant deadline = Instant.now().plus(timeout);
    while (handles.stream().anyMatch(running) && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Sleeps while waiting for a child; an interrupt ends the wait with an exception. */
  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The last {@code lines} lines of {@code file}, each cut to {@code lineChars}; "(missing)" when
   * there is none.
   */
  static String tail(Path file, int lines, int lineChars) {
    if (!Files.isRegularFile(file)) {
      return "(missing)";
    }
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
          .map(l -> l.length() > lineChars ? l.substring(0, lineChars) + "…" : l)
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The last lines of a child's output as it is read; thread-safe. */
  static final class Tail {
    private final int lines;
    private final Deque<String> kept = new ArrayDeque<>();

    Tail(int lines) {
      this.lines = lines;
    }

    synchronized void add(String line) {
      kept.addLast(line);
      if (kept.size() > lines) {
        kept.removeFirst();
      }
    }

    synchronized void clear() {
      kept.clear();
    }

    @Override
    public synchronized String toString() {
      return String.join("\n", kept);
    }
  }
}
