package dev.imgsearch.local.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Stopping the process tree of a {@code milvus-server} launcher. The launcher never reaps its
 * {@code milvus} child, dies on SIGTERM leaving the server running, and stops the server only on
 * SIGINT.
 */
final class MilvusProcessTree {
  private static final Duration AFTER_SIGNAL = Duration.ofSeconds(5);
  private static final Duration AFTER_KILL = Duration.ofSeconds(10);

  private MilvusProcessTree() {}

  /**
   * SIGTERM to the server, SIGKILL after {@code grace}; then SIGINT to the launcher so it reaps the
   * server and exits; then SIGKILL to whatever is left.
   */
  static void stop(Process launcher, Duration grace) {
    List<ProcessHandle> descendants = launcher.toHandle().descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    ChildProcesses.awaitStopped(descendants, grace, MilvusProcessTree::running);
    descendants.stream().filter(MilvusProcessTree::running).forEach(ProcessHandle::destroyForcibly);
    if (launcher.isAlive() && !interrupt(launcher.pid())) {
      launcher.destroy();
    }
    ChildProcesses.awaitStopped(
        List.of(launcher.toHandle()), AFTER_SIGNAL, MilvusProcessTree::running);
    launcher.destroyForcibly();
    ChildProcesses.awaitStopped(descendants, AFTER_SIGNAL, MilvusProcessTree::running);
  }

  /** SIGKILL to the launcher and all its descendants at once; waits up to 10 s for them to go. */
  static void kill(Process launcher) {
    List<ProcessHandle> all = new ArrayList<>(launcher.toHandle().descendants().toList());
    all.add(launcher.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    ChildProcesses.awaitStopped(all, AFTER_KILL, MilvusProcessTree::running);
  }

  /**
   * Alive and not a zombie. The launcher does not reap its child, and {@link
   * ProcessHandle#isAlive()} is true for a zombie, so the state is read from {@code /proc} where
   * there is one.
   */
  static boolean running(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat =
          Files.readString(
              Path.of("/proc", Long.toString(handle.pid()), "stat"), StandardCharsets.UTF_8);
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException noProcfs) {
      return true;
    }
  }

  /** Sends SIGINT (the only signal on which the launcher stops its server and exits cleanly). */
  private static boolean interrupt(long pid) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(pid))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return kill.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
