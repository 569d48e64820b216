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
 *   <li>The launcher pre-binds each port on 127.0.0.1 without {@code SO_REUSEADDR} and silently moves to the next
 *       free one, so after a restart (the old server's connections in TIME_WAIT) the proxy used to come back on 19531
 *       instead of 19530; and a port held on another address (an outgoing connection's ephemeral port, say) passed the
 *       probe, after which the server failed to listen on it. When the launcher is a Python console script (the
 *       venv's), it is run through a small wrapper ({@value #WRAPPER_FILE} in the data directory) that probes ports as
 *       the Go server binds them (wildcard address, {@code SO_REUSEADDR}), records the ports it chose in {@value
 *       #PORTS_FILE}, and on {@link #restart()} pins exactly those ports (the launcher fails rather than move). The real ports are still read from the process: the proxy port from
 *       the config the launcher writes ({@code DIR/configs/milvus.yaml}), the health port from the {@code
 *       METRICS_PORT} environment variable of the {@code milvus} child ({@code /proc}). {@link #uri()} is therefore
 *       only known after start, and stays the same across {@link #stop}/{@link #kill()} and {@link #restart()}.
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
  /** The ports of the last start, {@code key=port} lines written by {@link #WRAPPER}, pinned by a restart. */
  public static final String PORTS_FILE = "milvus-server.ports";

  private static final String WRAPPER_FILE = "imgsearch-milvus-server.py";

  /**
   * Runs the {@code milvus-server} launcher with two changes: it probes ports the way the Go server binds them, on the
   * wildcard address (IPv6 dual-stack, else IPv4) with {@code SO_REUSEADDR}, so a port whose last connections are in
   * TIME_WAIT counts as free while a port any other socket holds on any address counts as taken (the stock probe binds
   * 127.0.0.1 only: a port held on another address, say by an outgoing connection, passed the probe and the server
   * then failed with "bind: address already in use"); and it writes the ports it chose to {@code
   * IMGSEARCH_MILVUS_PORTS_FILE}, which a restart ({@code IMGSEARCH_MILVUS_PIN_PORTS=1}) pins: the launcher then binds exactly those or fails.
   */
  private static final String WRAPPER =
      """
      # Written by dev.imgsearch.local.servers.MilvusServer: the milvus-server launcher with fixed ports on restart.
      import os, socket, sys
      import milvus

      def _try_bind_port(self, port):
          # Probe the way the Go server listens (':port', every address, IPv4 and IPv6): a port that some other
          # socket holds on any address (say an outgoing connection from the machine's own IP) is taken.
          try:
              sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
              sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
              address = ('::', port)
          except OSError:
              sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
              address = ('0.0.0.0', port)
          sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
          try:
              sock.bind(address)
              sock.listen()
              return sock
          except (OSError, ValueError, OverflowError):
              sock.close()
              return None

      milvus.MilvusServerConfig.try_bind_port = _try_bind_port
      _ports_file = os.environ.get('IMGSEARCH_MILVUS_PORTS_FILE')
      _server = milvus.default_server
      if os.environ.get('IMGSEARCH_MILVUS_PIN_PORTS') == '1' and _ports_file:
          with open(_ports_file, encoding='utf-8') as f:
              for line in f:
                  key, _, value = line.strip().partition('=')
                  if key.endswith('_port') and value.isdigit():
                      _server.config.configs[key] = int(value)
          health = os.environ.get('IMGSEARCH_MILVUS_HEALTH_PORT', '')
          if health.isdigit() and int(health) > 0:
              _server.webservice_port = int(health)

      _write_config = milvus.MilvusServerConfig.write_config
      def _write_config_and_ports(self):
          _write_config(self)
          if _ports_file:
              ports = {k: v[1] for k, v in self.configurable_items.items() if k.endswith('_port')}
              with open(_ports_file, 'w', encoding='utf-8') as f:
                  f.write(''.join(f'{k}={v}\\n' for k, v in sorted(ports.items())))

      milvus.MilvusServerConfig.write_config = _write_config_and_ports
      sys.argv[0] = 'milvus-server'
      sys.exit(milvus.main())
      """;

  private static final Logger LOG = LoggerFactory.getLogger(MilvusServer.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  private static final int BIND_ATTEMPTS = 3;
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
  private final Path executable;
  private String uri;
  private Duration startupTime;
  private int healthPort = -1;
  private FileLock machineLock;
  private volatile Process launcher; // read unsynchronized by the shutdown hook (a hook must not wait for the monitor)
  private Thread stopOnExit;

  private MilvusServer(Path dataDir, Path executable, String uri, FileLock machineLock) {
    this.dataDir = dataDir;
    this.executable = executable;
    this.uri = uri;
    this.startupTime = Duration.ZERO;
    this.machineLock = machineLock;
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
      MilvusServer server = new MilvusServer(dir, executable, null, lock);
      for (int attempt = 1; ; attempt++) {
        try {
          server.launch(false);
          return server;
        } catch (IllegalStateException e) {
          if (attempt >= BIND_ATTEMPTS || !lostPortRace(e)) {
            throw e;
          }
          LOG.warn("Milvus lost a port it had probed to another socket (attempt {} of {}); launching again",
              attempt, BIND_ATTEMPTS);
        }
      }
    } catch (RuntimeException e) {
      release(lock);
      throw e;
    }
  }

  /**
   * Whether a failed start is the race between the launcher's port probe and the server's own bind: a port that was
   * free when probed was taken (e.g. as the ephemeral port of a new connection) before the server listened on it.
   */
  static boolean lostPortRace(IllegalStateException failure) {
    return String.valueOf(failure.getMessage()).contains("bind: address already in use");
  }

  /**
   * Uses the server at system property {@value #URI_PROPERTY} or env {@value #URI_ENV} when either is set (nothing is
   * launched and {@link #close()} leaves it running), else {@link #start}s one on {@code dataDir}.
   */
  public static MilvusServer startOrConnect(Path dataDir) {
    Optional<String> external = configured(URI_PROPERTY, URI_ENV);
    if (external.isPresent()) {
      LOG.info("Using the Milvus server at {} ({} is set)", external.get(), URI_ENV);
      return new MilvusServer(null, null, external.get(), null);
    }
    return start(dataDir);
  }

  /** The gRPC endpoint for SDK clients, e.g. {@code http://127.0.0.1:19530}; the same after {@link #restart()}. */
  public synchronized String uri() {
    return uri;
  }

  /** Whether this object launched the server (false when connected to an external one). */
  public boolean launched() {
    return dataDir != null;
  }

  /** From the last launch to healthy (the first start, or the last {@link #restart()}); zero for an external server. */
  public synchronized Duration startupTime() {
    return startupTime;
  }

  /** Whether a launched server is up (started and neither stopped nor killed since); true for an external server. */
  public synchronized boolean running() {
    return !launched() || launcher != null;
  }

  /**
   * Stops a launched server the way an orchestrator does ({@code docker stop}, a Kubernetes pod deletion): SIGTERM to
   * the server, SIGKILL when it has not exited within {@code grace}, then the launcher. The machine lock stays held and
   * the data directory is kept, so {@link #restart()} brings the same server back on the same ports. Note: Milvus 2.3.5
   * standalone exits on SIGTERM in 0.2 s when idle but usually hangs once a collection is loaded, so expect the grace
   * period to run out; nothing acknowledged is lost either way (writes are in the RocksMQ log).
   *
   * @return how long the stop took
   * @throws UnsupportedOperationException for an external server
   */
  public synchronized Duration stop(Duration grace) {
    requireLaunched("stop");
    Instant begin = Instant.now();
    if (launcher != null) {
      stopTree(launcher, grace);
      launcher = null;
    }
    return Duration.between(begin, Instant.now());
  }

  /**
   * SIGKILL to the server and its launcher at once (a crash, an OOM kill, a lost machine); like {@link #stop} the lock
   * and data directory are kept for {@link #restart()}.
   *
   * @throws UnsupportedOperationException for an external server
   */
  public synchronized Duration kill() {
    requireLaunched("kill");
    Instant begin = Instant.now();
    if (launcher != null) {
      List<ProcessHandle> all = new ArrayList<>(launcher.toHandle().descendants().toList());
      all.add(launcher.toHandle());
      all.forEach(ProcessHandle::destroyForcibly);
      ChildProcesses.awaitStopped(all, Duration.ofSeconds(10), MilvusServer::running);
      launcher = null;
    }
    return Duration.between(begin, Instant.now());
  }

  /**
   * Starts a stopped or killed server again on the same data directory and the same ports, so clients holding {@link
   * #uri()} reconnect (a running server is {@link #stop stopped} first, with a 3 s grace period). Waits until it is
   * healthy; {@link #startupTime()} then tells how long that took.
   *
   * @throws IllegalStateException when a port it had is taken, or the server does not become healthy in 180 s
   * @throws UnsupportedOperationException for an external server
   */
  public synchronized void restart() {
    requireLaunched("restart");
    if (launcher != null) {
      stop(STOP_TIMEOUT);
    }
    launch(true);
  }

  private void requireLaunched(String what) {
    if (!launched()) {
      throw new UnsupportedOperationException("cannot " + what + " the external Milvus server at " + uri);
    }
  }

  /** The data directory of a launched server. */
  public Optional<Path> dataDir() {
    return Optional.ofNullable(dataDir);
  }

  /** Stops a launched server and every process it started; does nothing for an external server. */
  @Override
  public synchronized void close() {
    if (!launched() || machineLock == null) {
      return;
    }
    if (launcher != null) {
      stopTree(launcher, STOP_TIMEOUT);
      launcher = null;
    }
    ChildProcesses.cancelOnExit(stopOnExit);
    stopOnExit = null;
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

  /**
   * Launches the launcher and waits until the server is healthy. With {@code samePorts} (a restart) every port of the
   * previous run is pinned: the start fails instead of moving to another port.
   */
  private void launch(boolean samePorts) {
    Instant begin = Instant.now();
    List<String> command = new ArrayList<>();
    Optional<Path> python = launcherPython(executable);
    Path ports = dataDir.resolve(PORTS_FILE);
    if (python.isPresent()) {
      Path script = dataDir.resolve(WRAPPER_FILE);
      try {
        Files.writeString(script, WRAPPER, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + script, e);
      }
      command.addAll(List.of(python.get().toString(), script.toString()));
    } else {
      command.add(executable.toString());
    }
    command.addAll(
        List.of("--data", dataDir.toString(), "--extra-config", "common.session.ttl=" + SESSION_TTL_SECONDS));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("IMGSEARCH_MILVUS_PORTS_FILE", ports.toString());
    if (samePorts) {
      if (python.isEmpty() || !Files.isRegularFile(ports)) {
        LOG.warn("cannot pin the ports of {} (no {}): the restarted server may move to other ports", this, ports);
      } else {
        builder.environment().put("IMGSEARCH_MILVUS_PIN_PORTS", "1");
        builder.environment().put("IMGSEARCH_MILVUS_HEALTH_PORT", Integer.toString(healthPort));
      }
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve(LOG_FILE).toFile()));
    } else {
      builder.redirectOutput(dataDir.resolve(LOG_FILE).toFile());
    }
    Process started;
    try {
      started = builder.start();
      started.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    launcher = started;
    if (stopOnExit == null) {
      stopOnExit = ChildProcesses.onExit("milvus-stop-on-exit", this::stopOnExit);
    }
    writePids(dataDir, List.of(started.toHandle()));
    try {
      String healthyUri = awaitHealthy(started, begin.plus(START_TIMEOUT));
      Duration took = Duration.between(begin, Instant.now());
      if (samePorts && uri != null && !uri.equals(healthyUri)) {
        throw new IllegalStateException(
            "Milvus restarted on " + healthyUri + " instead of " + uri + " (a port was taken meanwhile)");
      }
      uri = healthyUri;
      startupTime = took;
      LOG.info("Milvus standalone healthy at {} after {} ms (data {}{})", uri, took.toMillis(), dataDir,
          samePorts ? ", restarted on the same ports" : "");
    } catch (RuntimeException e) {
      stopTree(started, STOP_TIMEOUT);
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
      stopTree(current, STOP_TIMEOUT);
    }
  }

  /**
   * The Python interpreter of a {@code milvus-server} console script (its {@code #!} line), to run the launcher through
   * {@link #WRAPPER}; empty when the executable is not such a script (it is then run as is, and ports may move).
   */
  static Optional<Path> launcherPython(Path executable) {
    try (var in = Files.newInputStream(executable)) {
      String first = new String(in.readNBytes(512), StandardCharsets.ISO_8859_1).lines().findFirst().orElse("");
      if (first.startsWith("#!") && first.contains("python")) {
        Path interpreter = Path.of(first.substring(2).trim().split("\\s+")[0]);
        if (Files.isExecutable(interpreter)) {
          return Optional.of(interpreter);
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read the interpreter of {}", executable, e);
    }
    return Optional.empty();
  }

  /** Polls until healthy; returns the gRPC URI. */
  private String awaitHealthy(Process started, Instant deadline) {
    Path dir = dataDir;
    ProcessHandle server = null;
    int proxyPort = -1;
    while (Instant.now().isBefore(deadline)) {
      if (!started.isAlive()) {
        throw failure(dir, "the launcher exited with code " + started.exitValue());
      }
      if (server == null) {
        server = started.toHandle().children().filter(MilvusServer::running).findFirst().orElse(null);
        if (server != null) {
          writePids(dir, List.of(started.toHandle(), server));
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
      message.append("\n--- last lines of ").append(log).append(":\n").append(ChildProcesses.tail(log, TAIL_LINES, TAIL_LINE_CHARS));
    }
    return new IllegalStateException(message.toString());
  }

  /**
   * SIGTERM to the server, SIGKILL after {@code grace}; then SIGINT to the launcher so it reaps the server and exits;
   * then SIGKILL to whatever is left.
   */
  private static void stopTree(Process launcher, Duration grace) {
    List<ProcessHandle> descendants = launcher.toHandle().descendants().toList();
    descendants.forEach(ProcessHandle::destroy);
    ChildProcesses.awaitStopped(descendants, grace, MilvusServer::running);
    descendants.stream().filter(MilvusServer::running).forEach(ProcessHandle::destroyForcibly);
    if (launcher.isAlive() && !interrupt(launcher.pid())) {
      launcher.destroy();
    }
    ChildProcesses.awaitStopped(List.of(launcher.toHandle()), Duration.ofSeconds(5), MilvusServer::running);
    launcher.destroyForcibly();
    ChildProcesses.awaitStopped(descendants, Duration.ofSeconds(5), MilvusServer::running);
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
      ChildProcesses.terminate(leftovers, STOP_TIMEOUT, MilvusServer::running);
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
