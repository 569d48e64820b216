package dev.imgsearch.local.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The local S3 server ({@code dev.imgsearch.local.s3.S3ServerMain} of module {@code
 * local/s3-server}: S3Proxy on a directory, publishing MinIO bucket notifications to Kafka) in a
 * child JVM, so its ~160 jars never meet the pipeline's classpath.
 *
 * <p>The child's classpath is read from the file that module's build writes, {@value
 * #CLASSPATH_FILE}: the path in system property {@value #CLASSPATH_PROPERTY} if set, else that file
 * under the repository root (system property {@value #REPO_ROOT_PROPERTY}, which the build's
 * failsafe configuration sets, else the nearest directory at or above the working directory that
 * holds {@code mvnw}).
 *
 * <p>The child's stdout and stderr are drained into a short tail kept for error messages. It is
 * killed when this JVM exits. Objects live in the data directory, so a {@link #restart()} or a new
 * {@link #start} on the same directory finds them again.
 *
 * <p>Measured on a 2-core machine: ready about 1–1.2 s after launch; a stop takes about 2 s while a
 * client holds an idle keep-alive connection (Jetty's graceful shutdown), well under 0.1 s
 * otherwise.
 */
public final class S3ServerProcess implements AutoCloseable {
  public static final String CLASSPATH_PROPERTY = "imgsearch.s3server.classpath";
  public static final String REPO_ROOT_PROPERTY = RepoRoot.PROPERTY;
  public static final String CLASSPATH_FILE = "local/s3-server/target/s3-server.classpath";
  public static final String BUILD_COMMAND =
      "./mvnw -B -pl local/s3-server -am package -DskipTests";

  private static final String MAIN_CLASS = "dev.imgsearch.local.s3.S3ServerMain";
  private static final String READY_PREFIX = "S3 server ready on http://127.0.0.1:";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final int TAIL_LINES = 40;

  /**
   * C1 only: the server hashes and copies bytes between sockets and files, and C2 spent more CPU
   * compiling that path than it saved within thousands of requests (PUT: 2.1–3.6 core-ms per 0.3 MP
   * image with C2 over rounds 2–7 of 795, 1.5–1.9 with C1; docs/benchmarks.md).
   */
  static final List<String> JVM_OPTIONS =
      List.of("-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /**
   * System property: the child's JVM options instead of {@link #JVM_OPTIONS}, separated by spaces.
   * A benchmark that keeps one server busy for tens of thousands of GETs sets {@value
   * #LONG_RUNNING_JVM_OPTIONS} (the JVM's default JIT): once C2 has compiled the GET path it serves
   * a 0.3 MP image at 0.3–0.4 core-ms against C1's 0.7–0.8 (docs/benchmarks.md).
   */
  public static final String JVM_OPTIONS_PROPERTY = "imgsearch.s3server.jvm-options";

  /** {@link #JVM_OPTIONS} with C2: for a server that runs long enough to repay its compilation. */
  public static final String LONG_RUNNING_JVM_OPTIONS = "-Xmx1g -XX:+UseSerialGC";

  /** The child's JVM options: {@code override} split on white space, or {@link #JVM_OPTIONS}. */
  static List<String> jvmOptions(String override) {
    return override == null || override.isBlank()
        ? JVM_OPTIONS
        : List.of(override.trim().split("\\s+"));
  }

  private final Path dataDir;
  private final String accessKey;
  private final String secretKey;
  private final String bootstrapServers;
  private final String topic;
  private final List<String> buckets;
  private final ChildProcesses.Tail tail = new ChildProcesses.Tail(TAIL_LINES);
  private Process process;
  private Thread killOnExit;
  private int port;

  private S3ServerProcess(
      Path dataDir,
      String accessKey,
      String secretKey,
      String bootstrapServers,
      String topic,
      List<String> buckets) {
    this.dataDir = dataDir;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.buckets = buckets;
  }

  /**
   * Starts the server on 127.0.0.1:{@code port} (0 picks a free port) and waits until it serves
   * requests.
   *
   * @param buckets buckets created when missing
   * @throws IllegalStateException when the classpath file is missing, or the server exits or is not
   *     ready within 60 s (the message ends with the tail of its output)
   */
  public static S3ServerProcess start(
      Path dataDir,
      int port,
      String accessKey,
      String secretKey,
      String bootstrapServers,
      String topic,
      String... buckets) {
    var server =
        new S3ServerProcess(
            dataDir.toAbsolutePath(),
            accessKey,
            secretKey,
            bootstrapServers,
            topic,
            List.of(buckets));
    server.launch(port);
    return server;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public synchronized String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public synchronized int port() {
    return port;
  }

  /** Process id of the running child, or -1 while stopped (for peak-memory figures). */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Stops the server and starts it again on the same port and data directory. */
  public synchronized void restart() {
    stop();
    launch(port);
  }

  /**
   * Terminates the child (SIGTERM, so it stops serving and flushes; killed after 15 s) and waits
   * for its exit.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    try {
      ChildProcesses.terminate(List.of(process.toHandle()), STOP_TIMEOUT, ProcessHandle::isAlive);
      if (Thread.currentThread().isInterrupted()) {
        process.destroyForcibly();
      }
    } finally {
      ChildProcesses.cancelOnExit(killOnExit);
      killOnExit = null;
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Locates the classpath file as described in the class comment. */
  public static Path classpathFile() {
    String explicit = System.getProperty(CLASSPATH_PROPERTY);
    Path file = explicit != null ? Path.of(explicit) : repoRoot().resolve(CLASSPATH_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "S3 server classpath file " + file + " not found; build it with: " + BUILD_COMMAND);
    }
    return file;
  }

  private static Path repoRoot() {
    return RepoRoot.locate(CLASSPATH_PROPERTY);
  }

  private void launch(int requestedPort) {
    String classpath = readClasspath(classpathFile());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions(System.getProperty(JVM_OPTIONS_PROPERTY)));
    command.addAll(List.of("-cp", classpath, MAIN_CLASS));
    command.addAll(
        List.of("--data-dir", dataDir.toString(), "--port", Integer.toString(requestedPort)));
    command.addAll(List.of("--access-key", accessKey, "--secret-key", secretKey));
    command.addAll(List.of("--bootstrap-servers", bootstrapServers, "--topic", topic));
    for (String bucket : buckets) {
      command.addAll(List.of("--bucket", bucket));
    }
    tail.clear();
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + MAIN_CLASS, e);
    }
    Process child = process;
    killOnExit = ChildProcesses.onExit("s3-server-kill-on-exit", child::destroyForcibly);
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> drain(child, ready), "s3-server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      port = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      String why =
          e instanceof TimeoutException
              ? "not ready within " + START_TIMEOUT.toSeconds() + " s"
              : "exited";
      stop();
      throw new IllegalStateException("S3 server " + why + "; its last output:\n" + tail());
    } catch (InterruptedException e) {
      stop();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the S3 server", e);
    }
  }

  /**
   * Reads the child's output until it exits: completes {@code ready} with the port, keeps the tail.
   */
  private void drain(Process child, CompletableFuture<Integer> ready) {
    try (var in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!ready.isDone() && line.startsWith(READY_PREFIX)) {
          ready.complete(Integer.parseInt(line.substring(READY_PREFIX.length()).trim()));
        }
        tail.add(line);
      }
    } catch (IOException | RuntimeException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("S3 server exited"));
  }

  private String tail() {
    return tail.toString();
  }

  private static String readClasspath(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
