package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Flink standalone session cluster on this machine: one JobManager and N TaskManagers, each its
 * own JVM, started with Flink's own entrypoints ({@value #JOB_MANAGER_MAIN}, {@value
 * #TASK_MANAGER_MAIN}) from the jars a Flink distribution's {@code lib/} holds — module {@code
 * local/flink-lib} writes their classpath to {@value #CLASSPATH_FILE} (or system property {@value
 * #CLASSPATH_PROPERTY} names the file).
 *
 * <p>Each process gets its own configuration directory ({@code config.yaml} from {@link
 * FlinkClusterConfig}, a log4j2 file) under {@code <dir>/conf/<name>} and logs to {@code
 * <dir>/log/<name>.log} (stdout/stderr in {@code .out}); checkpoints go to {@code
 * <dir>/checkpoints}. TaskManagers are named {@code tm-1}, {@code tm-2}, … (their resource id in
 * the REST API). Jobs are submitted as jars through the REST API ({@link #rest()}).
 *
 * <p>{@link #killTaskManager} sends SIGKILL (fault tests), {@link #startTaskManager} starts one
 * again; {@link #close()} stops every process (SIGTERM, SIGKILL after 15 s). The processes are
 * killed when this JVM exits.
 */
public final class FlinkCluster implements AutoCloseable {
  public static final String CLASSPATH_PROPERTY = "imgsearch.flinklib.classpath";
  public static final String CLASSPATH_FILE = "local/flink-lib/target/flink-lib.classpath";
  public static final String BUILD_COMMAND = "./mvnw -B -pl local/flink-lib package";
  static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
  private static final String JOB_MANAGER = "jobmanager";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final FlinkClusterConfig config;
  private final String classpath;
  private final Map<String, String> taskManagerEnv;
  private final Map<String, Process> processes = new LinkedHashMap<>();
  private final FlinkRest rest;
  private final Thread killOnExit;

  private FlinkCluster(
      Path dir, FlinkClusterConfig config, String classpath, Map<String, String> taskManagerEnv) {
    this.dir = dir;
    this.config = config;
    this.classpath = classpath;
    this.taskManagerEnv = Map.copyOf(taskManagerEnv);
    this.rest = new FlinkRest(config.restUrl());
    this.killOnExit = ChildProcesses.onExit("flink-cluster-kill-on-exit", this::killAll);
  }

  /**
   * Starts a JobManager and {@code taskManagers} TaskManagers under {@code dir} on free ports and
   * returns once all TaskManagers have registered (120 s at most).
   *
   * @param taskManagerEnv environment variables added to the TaskManagers' (e.g. {@code
   *     IMGSEARCH_TURBOJPEG_LIBRARY})
   * @throws IllegalStateException when the classpath file is missing, a process exits, or the
   *     cluster is not up in time (the message ends with the tail of the JobManager's log)
   */
  public static FlinkCluster start(Path dir, int taskManagers, Map<String, String> taskManagerEnv) {
    Path root = dir.toAbsolutePath().normalize();
    FlinkClusterConfig config =
        new FlinkClusterConfig(
            freePort(),
            freePort(),
            root.resolve("checkpoints"),
            root.resolve("uploads"),
            root.resolve("tmp"));
    return StartOrClose.start(
        new FlinkCluster(root, config, readClasspath(), taskManagerEnv),
        cluster -> {
          cluster.launch(
              JOB_MANAGER,
              JOB_MANAGER_MAIN,
              config.common(),
              FlinkClusterConfig.jobManagerJvm(),
              Map.of());
          for (int i = 1; i <= taskManagers; i++) {
            cluster.startTaskManager("tm-" + i);
          }
          cluster.awaitTaskManagers(taskManagers, START_TIMEOUT);
        });
  }

  /** The JobManager's REST API. */
  public FlinkRest rest() {
    return rest;
  }

  /** {@code http://127.0.0.1:<port>}: REST API and web UI. */
  public String restUrl() {
    return config.restUrl();
  }

  public FlinkClusterConfig config() {
    return config;
  }

  /** Process ids of the running JobManager and TaskManagers (for CPU figures). */
  public synchronized List<Long> pids() {
    return processes.values().stream().filter(Process::isAlive).map(Process::pid).toList();
  }

  /** The log file of a process ({@code jobmanager}, {@code tm-1}, …). */
  public Path logFile(String name) {
    return dir.resolve("log").resolve(name + ".log");
  }

  /** Starts TaskManager {@code name} (again); it registers with the JobManager on its own. */
  public synchronized void startTaskManager(String name) {
    Process old = processes.get(name);
    if (old != null && old.isAlive()) {
      throw new IllegalStateException("TaskManager " + name + " is running");
    }
    launch(
        name,
        TASK_MANAGER_MAIN,
        config.taskManager(name),
        FlinkClusterConfig.taskManagerJvm(),
        taskManagerEnv);
  }

  /** SIGKILL to TaskManager {@code name}; returns once it is gone. */
  public synchronized void killTaskManager(String name) {
    Process process = processes.get(name);
    if (process == null || name.equals(JOB_MANAGER)) {
      throw new IllegalArgumentException(
          "no TaskManager " + name + " (known: " + processes.keySet() + ")");
    }
    processes.remove(name);
    process.destroyForcibly();
    ChildProcesses.awaitStopped(List.of(process.toHandle()), STOP_TIMEOUT, ProcessHandle::isAlive);
  }

  /** Waits until {@code count} TaskManagers are registered. */
  public void awaitTaskManagers(int count, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      checkAlive();
      try {
        if (rest.taskManagers() == count) {
          return;
        }
      } catch (IOException notYet) {
        // the REST endpoint is not up yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the Flink cluster", e);
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            count
                + " TaskManagers not registered within "
                + timeout.toSeconds()
                + " s; the JobManager's log ends:\n"
                + ChildProcesses.tail(logFile(JOB_MANAGER), 30, 400));
      }
      ChildProcesses.sleep(200);
    }
  }

  /** Stops the TaskManagers, then the JobManager (SIGTERM; SIGKILL after 15 s). */
  @Override
  public synchronized void close() {
    List<ProcessHandle> taskManagers = new ArrayList<>();
    processes.forEach(
        (name, p) -> {
          if (!name.equals(JOB_MANAGER)) {
            taskManagers.add(p.toHandle());
          }
        });
    ChildProcesses.terminate(taskManagers, STOP_TIMEOUT, ProcessHandle::isAlive);
    Process jobManager = processes.get(JOB_MANAGER);
    if (jobManager != null) {
      ChildProcesses.terminate(
          List.of(jobManager.toHandle()), STOP_TIMEOUT, ProcessHandle::isAlive);
    }
    processes.clear();
    ChildProcesses.cancelOnExit(killOnExit);
  }

  private void killAll() {
    processes.values().forEach(Process::destroyForcibly);
  }

  private void checkAlive() {
    synchronized (this) {
      for (var e : processes.entrySet()) {
        if (!e.getValue().isAlive()) {
          throw new IllegalStateException(
              "Flink "
                  + e.getKey()
                  + " exited with "
                  + e.getValue().exitValue()
                  + "; its log ends:\n"
                  + ChildProcesses.tail(logFile(e.getKey()), 30, 400)
                  + "\nand its output:\n"
                  + ChildProcesses.tail(dir.resolve("log").resolve(e.getKey() + ".out"), 20, 400));
        }
      }
    }
  }

  private void launch(
      String name,
      String main,
      Map<String, String> settings,
      List<String> memory,
      Map<String, String> env) {
    try {
      Path conf = Files.createDirectories(dir.resolve("conf").resolve(name));
      Files.writeString(
          conf.resolve("config.yaml"), FlinkClusterConfig.yaml(settings), StandardCharsets.UTF_8);
      Path log4j =
          Files.writeString(
              conf.resolve("log4j.properties"), FlinkClusterConfig.log4j(), StandardCharsets.UTF_8);
      Path logs = Files.createDirectories(dir.resolve("log"));
      Files.createDirectories(config.checkpointDir());
      Files.createDirectories(config.uploadDir());
      Files.createDirectories(config.tmpDir());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(FlinkClusterConfig.jvmOptions(memory, log4j, logFile(name)));
      command.addAll(List.of("-cp", classpath, main, "--configDir", conf.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(logs.resolve(name + ".out").toFile());
      builder.environment().putAll(env);
      processes.put(name, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Flink " + name + " in " + dir, e);
    }
  }

  /**
   * Runs a cluster until this JVM is stopped (Ctrl-C): {@code FlinkCluster DIR [TASK_MANAGERS]}
   * (default 2). Prints the REST URL (web UI, jar submission) once every TaskManager has
   * registered.
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: FlinkCluster DIR [TASK_MANAGERS]");
      System.exit(2);
    }
    int taskManagers = args.length == 2 ? Integer.parseInt(args[1]) : 2;
    FlinkCluster cluster = start(Path.of(args[0]), taskManagers, Map.of());
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "flink-cluster-stop"));
    System.out.println(
        "Flink cluster ready: "
            + cluster.restUrl()
            + " ("
            + taskManagers
            + " TaskManagers, logs in "
            + cluster.dir.resolve("log")
            + "); Ctrl-C stops it");
    Thread.currentThread().join();
  }

  /** Locates the classpath file as described in the class comment and reads it. */
  static String readClasspath() {
    String explicit = System.getProperty(CLASSPATH_PROPERTY);
    Path file =
        explicit != null
            ? Path.of(explicit)
            : RepoRoot.locate(CLASSPATH_PROPERTY).resolve(CLASSPATH_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "Flink classpath file " + file + " not found; build it with: " + BUILD_COMMAND);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByName(FlinkClusterConfig.HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
