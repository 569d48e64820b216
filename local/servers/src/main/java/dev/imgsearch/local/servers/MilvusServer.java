package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Milvus standalone server as a child process, for integration tests and the local stack; or
 * a handle on an already running server.
 *
 * <p>The server is the PyPI package {@code milvus} (2.3.x, "Milvus Lite": the real standalone
 * binary with embedded etcd, RocksMQ and local storage) started through its launcher {@code
 * milvus-server --data DIR}. The launcher is found in system property {@value
 * #EXECUTABLE_PROPERTY}, else env {@value #EXECUTABLE_ENV}, else {@value #DEFAULT_EXECUTABLE} under
 * the repository root (system property {@value #REPO_ROOT_PROPERTY}, which the build's failsafe
 * configuration sets, else the nearest directory at or above the working directory that holds
 * {@code mvnw}). Install it with {@value #INSTALL_COMMAND}: 2.3.5 is the newest release with a
 * Linux x86_64 wheel (2.3.6–2.3.9 are macOS arm64 only).
 *
 * <p>This class keeps the state of one server (URI, processes, machine lock) and runs its life
 * cycle; the work, and what it works around (all measured), is in collaborators: {@link
 * MilvusInstall} finds the launcher; {@link MilvusMachineLock} queues starts, as only one server
 * can run per machine; {@link MilvusPidFile} records the processes in {@value #PID_FILE} so a start
 * after a killed JVM stops the leftovers (a shutdown hook stops them on a normal exit); {@link
 * MilvusLaunchCommand} fixes the launcher's port probe and pins on {@link #restart()} the ports it
 * recorded in {@value #PORTS_FILE}; {@link MilvusRelaunch} launches again a start that lost a
 * probed port to another socket; {@link MilvusHealthWait} and {@link MilvusPorts} read the real
 * ports from the process, so {@link #uri()} is only known after start and stays the same across
 * {@link #stop}/{@link #kill()} and {@link #restart()}; {@link MilvusProcessTree} stops the
 * launcher and its server (SIGTERM, SIGKILL after 3 s, then SIGINT to the launcher, which alone
 * makes it reap the server; a graceful stop hangs once collections are loaded, so the kill is the
 * usual end, and loses nothing acknowledged, as writes are in the RocksMQ log).
 *
 * <p>Output: the launcher's stdout and stderr go to {@value #LOG_FILE} in the data directory, the
 * server's own to {@code logs/milvus-stdout.log} and {@code logs/milvus-stderr.log} there; errors
 * quote the tails of all three.
 *
 * <p>Measured on a 2-core machine: healthy 6–16 s after launch on a new data directory (the
 * launcher first unpacks ~250 MB of binaries into {@code DIR/bin}), 8.5–10 s on a used one; a stop
 * takes about 3 s (see above).
 */
public final class MilvusServer implements AutoCloseable {
  public static final String EXECUTABLE_PROPERTY = "imgsearch.milvus.server";
  public static final String EXECUTABLE_ENV = "IMGSEARCH_MILVUS_SERVER";
  public static final String URI_PROPERTY = "imgsearch.milvus.uri";
  public static final String URI_ENV = "IMGSEARCH_MILVUS_URI";
  public static final String REPO_ROOT_PROPERTY = RepoRoot.PROPERTY;
  public static final String DEFAULT_EXECUTABLE = ".tools/milvus-venv/bin/milvus-server";
  public static final String INSTALL_COMMAND =
      "python3 -m venv .tools/milvus-venv && .tools/milvus-venv/bin/pip install milvus==2.3.5";
  public static final String LOG_FILE = "milvus-server.log";
  public static final String PID_FILE = "milvus-server.pids";

  /**
   * The ports of the last start, {@code key=port} lines written by the launcher's wrapper, pinned
   * by a restart.
   */
  public static final String PORTS_FILE = "milvus-server.ports";

  private static final Logger LOG = LoggerFactory.getLogger(MilvusServer.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

  private final Path dataDir;
  private final Path executable;
  private String uri;
  private Duration startupTime;
  private int healthPort = -1;
  private FileLock machineLock;
  private volatile Process
      launcher; // read unsynchronized by the shutdown hook (a hook must not wait for the monitor)
  private Thread stopOnExit;

  private MilvusServer(Path dataDir, Path executable, String uri, FileLock machineLock) {
    this.dataDir = dataDir;
    this.executable = executable;
    this.uri = uri;
    this.startupTime = Duration.ZERO;
    this.machineLock = machineLock;
  }

  /**
   * Launches a server on {@code dataDir} (created if missing; data of an earlier run is kept) and
   * waits until it is healthy and its gRPC port accepts connections.
   *
   * <p>Only one server can run per machine, so concurrent builds queue: a start first takes the
   * machine-wide lock {@code imgsearch-milvus-server.lock} in {@code java.io.tmpdir} (held until
   * {@link #close()} or this JVM's exit), then stops what a killed JVM left running on {@code
   * dataDir}, then waits for port 2380 to be free (a server not started by this class); each wait
   * lasts at most 10 min.
   *
   * @throws IllegalStateException when the launcher is not installed, another server does not go
   *     away within the wait, or the server exits or is not healthy within 180 s (the message ends
   *     with the tails of its logs)
   */
  public static MilvusServer start(Path dataDir) {
    Path executable = executable();
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    FileLock lock = MilvusMachineLock.acquire();
    try {
      MilvusPidFile.stopLeftovers(dir, STOP_TIMEOUT);
      MilvusMachineLock.awaitEtcdPortFree();
      MilvusServer server = new MilvusServer(dir, executable, null, lock);
      MilvusRelaunch.run(() -> server.launch(false));
      return server;
    } catch (RuntimeException e) {
      MilvusMachineLock.release(lock);
      throw e;
    }
  }

  /**
   * Uses the server at system property {@value #URI_PROPERTY} or env {@value #URI_ENV} when either
   * is set (nothing is launched and {@link #close()} leaves it running), else {@link #start}s one
   * on {@code dataDir}.
   */
  public static MilvusServer startOrConnect(Path dataDir) {
    Optional<String> external = MilvusInstall.configured(URI_PROPERTY, URI_ENV);
    if (external.isPresent()) {
      LOG.info("Using the Milvus server at {} ({} is set)", external.get(), URI_ENV);
      return new MilvusServer(null, null, external.get(), null);
    }
    return start(dataDir);
  }

  /** Locates the launcher as described in the class comment. */
  public static Path executable() {
    return MilvusInstall.executable();
  }

  /**
   * The gRPC endpoint for SDK clients, e.g. {@code http://127.0.0.1:19530}; the same after {@link
   * #restart()}.
   */
  public synchronized String uri() {
    return uri;
  }

  /** Whether this object launched the server (false when connected to an external one). */
  public boolean launched() {
    return dataDir != null;
  }

  /**
   * From the last launch to healthy (the first start, or the last {@link #restart()}); zero for an
   * external server.
   */
  public synchronized Duration startupTime() {
    return startupTime;
  }

  /**
   * Whether a launched server is up (started and neither stopped nor killed since); true for an
   * external server.
   */
  public synchronized boolean running() {
    return !launched() || launcher != null;
  }

  /** The data directory of a launched server. */
  public Optional<Path> dataDir() {
    return Optional.ofNullable(dataDir);
  }

  /**
   * Stops a launched server the way an orchestrator does ({@code docker stop}, a Kubernetes pod
   * deletion): SIGTERM to the server, SIGKILL when it has not exited within {@code grace}, then the
   * launcher. The machine lock stays held and the data directory is kept, so {@link #restart()}
   * brings the same server back on the same ports. Note: Milvus 2.3.5 standalone exits on SIGTERM
   * in 0.2 s when idle but usually hangs once a collection is loaded, so expect the grace period to
   * run out; nothing acknowledged is lost either way (writes are in the RocksMQ log).
   *
   * @return how long the stop took
   * @throws UnsupportedOperationException for an external server
   */
  public synchronized Duration stop(Duration grace) {
    requireLaunched("stop");
    Instant begin = Instant.now();
    if (launcher != null) {
      MilvusProcessTree.stop(launcher, grace);
      launcher = null;
    }
    return Duration.between(begin, Instant.now());
  }

  /**
   * SIGKILL to the server and its launcher at once (a crash, an OOM kill, a lost machine); like
   * {@link #stop} the lock and data directory are kept for {@link #restart()}.
   *
   * @throws UnsupportedOperationException for an external server
   */
  public synchronized Duration kill() {
    requireLaunched("kill");
    Instant begin = Instant.now();
    if (launcher != null) {
      MilvusProcessTree.kill(launcher);
      launcher = null;
    }
    return Duration.between(begin, Instant.now());
  }

  /**
   * Starts a stopped or killed server again on the same data directory and the same ports, so
   * clients holding {@link #uri()} reconnect (a running server is {@link #stop stopped} first, with
   * a 3 s grace period). Waits until it is healthy; {@link #startupTime()} then tells how long that
   * took.
   *
   * @throws IllegalStateException when a port it had is taken, or the server does not become
   *     healthy in 180 s
   * @throws UnsupportedOperationException for an external server
   */
  public synchronized void restart() {
    requireLaunched("restart");
    if (launcher != null) {
      stop(STOP_TIMEOUT);
    }
    launch(true);
  }

  /** Stops a launched server and every process it started; does nothing for an external server. */
  @Override
  public synchronized void close() {
    if (!launched() || machineLock == null) {
      return;
    }
    if (launcher != null) {
      MilvusProcessTree.stop(launcher, STOP_TIMEOUT);
      launcher = null;
    }
    ChildProcesses.cancelOnExit(stopOnExit);
    stopOnExit = null;
    MilvusPidFile.delete(dataDir);
    MilvusMachineLock.release(machineLock);
    machineLock = null;
  }

  @Override
  public String toString() {
    return "MilvusServer[" + uri + (launched() ? ", data " + dataDir : ", external") + "]";
  }

  private void requireLaunched(String what) {
    if (!launched()) {
      throw new UnsupportedOperationException(
          "cannot " + what + " the external Milvus server at " + uri);
    }
  }

  /**
   * Launches the launcher and waits until the server is healthy. With {@code samePorts} (a restart)
   * every port of the previous run is pinned: the start fails instead of moving to another port.
   */
  private void launch(boolean samePorts) {
    Instant begin = Instant.now();
    ProcessBuilder builder =
        MilvusLaunchCommand.builder(executable, dataDir, samePorts, healthPort, this);
    Process started;
    try {
      started = builder.start();
      started.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command(), e);
    }
    launcher = started;
    if (stopOnExit == null) {
      stopOnExit = ChildProcesses.onExit("milvus-stop-on-exit", this::stopOnExit);
    }
    MilvusPidFile.write(dataDir, List.of(started.toHandle()));
    try {
      String healthyUri =
          MilvusHealthWait.await(started, dataDir, begin, port -> healthPort = port);
      Duration took = Duration.between(begin, Instant.now());
      if (samePorts && uri != null && !uri.equals(healthyUri)) {
        throw new IllegalStateException(
            "Milvus restarted on "
                + healthyUri
                + " instead of "
                + uri
                + " (a port was taken meanwhile)");
      }
      uri = healthyUri;
      startupTime = took;
      LOG.info(
          "Milvus standalone healthy at {} after {} ms (data {}{})",
          uri,
          took.toMillis(),
          dataDir,
          samePorts ? ", restarted on the same ports" : "");
    } catch (RuntimeException e) {
      MilvusProcessTree.stop(started, STOP_TIMEOUT);
      launcher = null;
      if (!samePorts) {
        ChildProcesses.cancelOnExit(stopOnExit);
        stopOnExit = null;
      }
      throw e;
    }
  }

  private void stopOnExit() {
    Process current = launcher;
    if (current != null) {
      MilvusProcessTree.stop(current, STOP_TIMEOUT);
    }
  }
}
