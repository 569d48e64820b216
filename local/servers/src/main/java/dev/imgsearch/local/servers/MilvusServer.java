package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Milvus standalone server as a child process, for integration tests and the local stack; or a handle on an
 * already running server.
 *
 * <p>The server is the PyPI package {@code milvus} (2.3.x, "Milvus Lite": the real standalone binary with embedded
 * etcd, RocksMQ and local storage) started through its launcher {@code milvus-server --data DIR}. The launcher is found
 * in system property {@value #EXECUTABLE_PROPERTY}, else env {@value #EXECUTABLE_ENV}, else
 * {@value #DEFAULT_EXECUTABLE} under the repository root (system property {@value #REPO_ROOT_PROPERTY}, which the
 * build's failsafe configuration sets, else the nearest directory at or above the working directory that holds {@code
 * mvnw}). Install it with {@value #INSTALL_COMMAND}: 2.3.5 is the newest release with a Linux x86_64 wheel
 * (2.3.6–2.3.9 are macOS arm64 only).
 *
 * <p>What this class works around, all measured:
 *
 * <ul>
 *   <li>The launcher pre-binds each port without {@code SO_REUSEADDR} and silently moves to the next free one, so after
 *       a restart (closed connections in TIME_WAIT) the proxy may listen on 19531 instead of 19530 and the health
 *       endpoint on 9092 instead of 9091. The real ports are read from the process: the proxy port from the config the
 *       launcher writes ({@code DIR/configs/milvus.yaml}), the health port from the {@code METRICS_PORT} environment
 *       variable of the {@code milvus} child ({@code /proc}). {@link #uri()} is therefore only known after start.
 *   <li>The launcher never reaps its {@code milvus} child, dies on SIGTERM leaving the server running, and stops the
 *       server only on SIGINT. {@link #close()} sends SIGTERM to the server, SIGKILL after 3 s, then SIGINT to the
 *       launcher so it reaps the server and exits, then kills whatever is left. A graceful stop takes 0.2 s on an idle
 *       server but hangs once collections are loaded (the nodes wait for coordinators that stopped first), so the
 *       kill is the usual end; it loses nothing acknowledged, as writes are in the RocksMQ log.
 *   <li>A killed server leaves its etcd sessions behind until their TTL runs out, and until then the restarted server
 *       keeps the collection's channel on the dead node: with the default 30 s TTL the first Strong read after a
 *       restart waited 24 s. The server is started with {@code common.session.ttl=10}, which cut that to about 4 s.
 *   <li>Only one instance per machine: the embedded etcd's peer port 2380 is fixed. Starts queue on a machine-wide
 *       file lock, then on port 2380 (see {@link #start}).
 *   <li>Orphans: a shutdown hook stops the tree when this JVM exits; the pids and start times of the launcher and the
 *       server are kept in {@value #PID_FILE} in the data directory, so a start on the same directory after this JVM
 *       was killed stops the leftovers first.
 * </ul>
 *
 * <p>Output: the launcher's stdout and stderr go to {@value #LOG_FILE} in the data directory, the server's own to
 * {@code logs/milvus-stdout.log} and {@code logs/milvus-stderr.log} there; errors quote the tails of all three.
 *
 * <p>Measured on a 2-core machine: healthy 6–16 s after launch on a new data directory (the launcher first unpacks
 * ~250 MB of binaries into {@code DIR/bin}), 8.5–10 s on a used one; a stop takes about 3 s (see above).
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

  private static final Logger LOG = LoggerFactory.getLogger(MilvusServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);
  private static final int SESSION_TTL_SECONDS = 10;
  private static final Duration BUSY_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final String LOCK_FILE = "imgsearch-milvus-server.lock";
  private static final int ETCD_PEER_PORT = 2380;
  private static final int DEFAULT_HEALTH_PORT = 9091;
  private static final int TAIL_LINES = 30;
  private static final int TAIL_LINE_CHARS = 400;
  private static final Pattern PROXY_PORT = Pattern.compile("(?m)^proxy:\\R(?:(?:  .*|\\s*)\\R)*?  port: (\\d+)");

  private final Path dataDir;
  private final String uri;
  private final Duration startupTime;
  private FileLock machineLock;
  private Process launcher;
  private Thread stopOnExit;

  private MilvusServer(
      Path dataDir, String uri, Duration startupTime, FileLock machineLock, Process launcher, Thread stopOnExit) {
    this.dataDir = dataDir;
    this.uri = uri;
    this.startupTime = startupTime;
    this.machineLock = machineLock;
    this.launcher = launcher;
    this.stopOnExit = stopOnExit;
  }

  /**
   * Launches a server on {@code dataDir} (created if missing; data of an earlier run is kept) and waits until it is
   * healthy and its gRPC port accepts connections.
   *
   * <p>Only one server can run per machine, so concurrent builds queue: a start first takes the machine-wide lock
   * {@code imgsearch-milvus-server.lock} in {@code java.io.tmpdir} (held until {@link #close()} or this JVM's exit),
   * then stops what a killed JVM left running on {@code dataDir}, then waits for port 2380 to be free (a server not
   * started by this class); each wait lasts at most 10 min.
   *
   * @throws IllegalStateException when the launcher is not installed, another server does not go away within the
   *     wait, or the server exits or is not healthy within 180 s (the message ends with the tails of its logs)
   */
  public static MilvusServer start(Path dataDir) {
    Path executable = executable();
    Path dir = dataDir.toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    FileLock lock = lockMachine();
    try {
      stopLeftovers(dir);
      awaitPortFree(ETCD_PEER_PORT);
      return launch(executable, dir, lock);
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  /**
   * Uses the server at system property {@value #URI_PROPERTY} or env {@value #URI_ENV} when either is set (nothing is
   * launched and {@link #close()} leaves it running), else {@link #start}s one on {@code dataDir}.
   */
  public static MilvusServer startOrConnect(Path dataDir) {
    Optional<String> external = configured(URI_PROPERTY, URI_ENV);
    if (external.isPresent()) {
      LOG.info("Using the Milvus server at {} ({} is set)", external.get(), URI_ENV);
      return new MilvusServer(null, external.get(), Duration.ZERO, null, null, null);
    }
    return start(dataDir);
  }

  /** The gRPC endpoint for SDK clients, e.g. {@code http://127.0.0.1:19530}. */
  public String uri() {
    return uri;
  }

  /** Whether this object launched the server (false when connected to an external one). */
  public boolean launched() {
    return dataDir != null;
  }

  /** From launch to healthy; zero for an external server. */
  public Duration startupTime() {
    return startupTime;
  }

  /** The data directory of a launched server. */
  public Optional<Path> dataDir() {
    return Optional.ofNullable(dataDir);
  }

  /** Stops a launched server and every process it started; does nothing for an external server. */
  @Override
  public synchronized void close() {
    if (launcher == null) {
      return;
    }
    stopTree(launcher);
    removeHook(stopOnExit);
    launcher = null;
    try {
      Files.deleteIfExists(dataDir.resolve(PID_FILE));
    } catch (IOException e) {
      LOG.warn("cannot delete {}", dataDir.resolve(PID_FILE), e);
    }
    release(machineLock);
    machineLock = null;
  }

  @Override
  public String toString() {
    return "MilvusServer[" + uri + (launched() ? ", data " + dataDir : ", external") + "]";
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting: the hook runs anyway and finds nothing left to stop.
    }
  }

  /** Locates the launcher as described in the class comment. */
  public static Path executable() {
    Path file =
        configured(EXECUTABLE_PROPERTY, EXECUTABLE_ENV)
            .map(Path::of)
            .orElseGet(() -> repoRoot().resolve(DEFAULT_EXECUTABLE));
    if (!Files.isExecutable(file)) {
      throw new IllegalStateException(
          "Milvus launcher "
              + file
              + " not found. Install it from the repository root with: "
              + INSTALL_COMMAND
              + " (or set -D"
              + EXECUTABLE_PROPERTY
              + " / "
              + EXECUTABLE_ENV
              + " to a milvus-server executable, or "
              + URI_ENV
              + " to a running server)");
    }
    return file;
  }

  /** Takes the machine-wide lock that serialises servers started by this class, waiting up to {@link #BUSY_TIMEOUT}. */
  private static FileLock lockMachine() {
    Path file = Path.of(System.getProperty("java.io.tmpdir"), LOCK_FILE);
    Instant deadline = Instant.now().plus(BUSY_TIMEOUT);
    boolean logged = false;
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
          channel.close();
          throw new IllegalStateException("this JVM already runs a Milvus server; share it (only one per machine)");
        }
        if (lock != null) {
          return lock;
        }
        if (Instant.now().isAfter(deadline)) {
          channel.close();
          throw new IllegalStateException(
              "another build has been running a Milvus server for " + BUSY_TIMEOUT.toMinutes() + " min (lock " + file
                  + " held); only one can run per machine");
        }
        if (!logged) {
          LOG.info(
              "another JVM runs a Milvus server (lock {} held); waiting up to {} min", file, BUSY_TIMEOUT.toMinutes());
          logged = true;
        }
        sleep(Duration.ofSeconds(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    }
  }

  private static void release(FileLock lock) {
    if (lock == null) {
      return;
    }
    try {
      lock.channel().close();
    } catch (IOException e) {
      LOG.warn("cannot release the Milvus machine lock", e);
    }
  }

  /** Waits up to {@link #BUSY_TIMEOUT} for a server this class did not start to release {@code port}. */
  private static void awaitPortFree(int port) {
    Instant deadline = Instant.now().plus(BUSY_TIMEOUT);
    if (listening(port)) {
      LOG.info("port {} is in use (a Milvus server not started by this class?); waiting up to {} min",
          port, BUSY_TIMEOUT.toMinutes());
    }
    while (listening(port)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "port " + port + " has been in use for " + BUSY_TIMEOUT.toMinutes() + " min (another Milvus standalone or"
                + " etcd?); only one Milvus Lite server can run per machine. Stop it, or point " + URI_ENV
                + " at it to use it instead.");
      }
      sleep(Duration.ofSeconds(1));
    }
  }

  private static MilvusServer launch(Path executable, Path dir, FileLock lock) {
    Instant begin = Instant.now();
    Process launcher;
    try {
      launcher =
          new ProcessBuilder(
                  executable.toString(),
                  "--data",
                  dir.toString(),
                  "--extra-config",
                  "common.session.ttl=" + SESSION_TTL_SECONDS)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(LOG_FILE).toFile())
              .start();
      launcher.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + executable, e);
    }
    Thread stopOnExit = new Thread(() -> stopTree(launcher), "milvus-stop-on-exit");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    writePids(dir, List.of(launcher.toHandle()));
    try {
      String uri = awaitHealthy(launcher, dir, begin.plus(START_TIMEOUT));
      Duration took = Duration.between(begin, Instant.now());
      LOG.info("Milvus standalone healthy at {} after {} ms (data {})", uri, took.toMillis(), dir);
      return new MilvusServer(dir, uri, took, lock, launcher, stopOnExit);
    } catch (RuntimeException e) {
      stopTree(launcher);
      removeHook(stopOnExit);
      throw e;
    }
  }

  /** Polls until healthy; returns the gRPC URI. */
  private static String awaitHealthy(Process launcher, Path dir, Instant deadline) {
    ProcessHandle server = null;
    int healthPort = -1;
    int proxyPort = -1;
    while (Instant.now().isBefore(deadline)) {
      if (!launcher.isAlive()) {
        throw failure(dir, "the launcher exited with code " + launcher.exitValue());
      }
      if (server == null) {
        server = launcher.toHandle().children().filter(MilvusServer::running).findFirst().orElse(null);
        if (server != null) {
          writePids(dir, List.of(launcher.toHandle(), server));
          healthPort = healthPort(server);
          proxyPort = proxyPort(dir);
        }
      } else if (!running(server)) {
        throw failure(dir, "the milvus process " + server.pid() + " exited");
      } else if (healthy(healthPort) && listening(proxyPort)) {
        return "http://127.0.0.1:" + proxyPort;
      }
      sleep(POLL);
    }
    throw failure(dir, "not healthy within " + START_TIMEOUT.toSeconds() + " s");
  }

  private static IllegalStateException failure(Path dir, String why) {
    StringBuilder message = new StringBuilder("Milvus standalone failed to start: ").append(why);
    List<Path> logs =
        List.of(dir.resolve(LOG_FILE), dir.resolve("logs/milvus-stderr.log"), dir.resolve("logs/milvus-stdout.log"));
    for (Path log : logs) {
      message.append("\n--- last lines of ").append(log).append(":\n").append(tail(log));
    }
    return new IllegalStateException(message.toString());
  }

  /**
   * SIGTERM to the server, SIGKILL after {@link #STOP_TIMEOUT}; then SIGINT to the launcher so it reaps the server and
   * exits; then SIGKILL to whatever is left.
   */
  private static void stopTree(Process launcher) {
    List<ProcessHandle> descendants = launcher.toHandle().descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    awaitStopped(descendants, STOP_TIMEOUT);
    descendants.stream().filter(MilvusServer::running).forEach(ProcessHandle::destroyForcibly);
    if (launcher.isAlive() && !interrupt(launcher.pid())) {
      launcher.destroy();
    }
    awaitStopped(List.of(launcher.toHandle()), Duration.ofSeconds(5));
    launcher.destroyForcibly();
    awaitStopped(descendants, Duration.ofSeconds(5));
  }

  /** Stops the processes a killed JVM left running on this data directory (recorded with their start times). */
  private static void stopLeftovers(Path dir) {
    Path file = dir.resolve(PID_FILE);
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
              .filter(MilvusServer::running)
              .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == started)
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
      leftovers.forEach(ProcessHandle::destroy);
      awaitStopped(leftovers, STOP_TIMEOUT);
      leftovers.stream().filter(MilvusServer::running).forEach(ProcessHandle::destroyForcibly);
      awaitStopped(leftovers, Duration.ofSeconds(5));
    }
  }

  private static void writePids(Path dir, List<ProcessHandle> handles) {
    String content =
        handles.stream()
            .map(h -> h.pid() + " " + h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L))
            .collect(Collectors.joining("\n", "", "\n"));
    try {
      Files.writeString(dir.resolve(PID_FILE), content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(PID_FILE), e);
    }
  }

  private static void awaitStopped(List<ProcessHandle> handles, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (handles.stream().anyMatch(MilvusServer::running) && Instant.now().isBefore(deadline)) {
      sleep(Duration.ofMillis(100));
    }
  }

  /**
   * Alive and not a zombie. The launcher does not reap its child, and {@link ProcessHandle#isAlive()} is true for a
   * zombie, so the state is read from {@code /proc} where there is one.
   */
  private static boolean running(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"), StandardCharsets.UTF_8);
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

  /** The server's health port: {@code METRICS_PORT} in its environment, which the launcher picks. */
  private static int healthPort(ProcessHandle server) {
    try {
      byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(server.pid()), "environ"));
      for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
        if (entry.startsWith("METRICS_PORT=")) {
          return Integer.parseInt(entry.substring("METRICS_PORT=".length()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.debug("cannot read the environment of {}; assuming health port {}", server.pid(), DEFAULT_HEALTH_PORT, e);
    }
    return DEFAULT_HEALTH_PORT;
  }

  /** The proxy (gRPC) port from the config the launcher wrote just before starting the server. */
  private static int proxyPort(Path dir) {
    Path config = dir.resolve("configs/milvus.yaml");
    try {
      Matcher m = PROXY_PORT.matcher(Files.readString(config, StandardCharsets.UTF_8));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + config, e);
    }
    throw new IllegalStateException("no proxy.port in " + config);
  }

  private static boolean healthy(int port) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/healthz").openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      try (InputStream in = c.getInputStream()) {
        return c.getResponseCode() == 200 && new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("OK");
      } finally {
        c.disconnect();
      }
    } catch (IOException notYet) {
      return false;
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path file) {
    if (!Files.isRegularFile(file)) {
      return "(missing)";
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).stream()
          .map(l -> l.length() > TAIL_LINE_CHARS ? l.substring(0, TAIL_LINE_CHARS) + "…" : l)
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static Optional<String> configured(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static Path repoRoot() {
    return RepoRoot.locate(EXECUTABLE_PROPERTY);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Milvus", e);
    }
  }
}
