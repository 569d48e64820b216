package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A replicated Kafka cluster on this machine: {@code n} KRaft nodes, each broker and controller
 * (combined mode) in its own JVM, started with Kafka's own entry point {@value
 * KafkaClusterConfig#MAIN} and a generated {@code server.properties} ({@link KafkaClusterConfig}:
 * replication factor n, {@code min.insync.replicas} n − 1, one controller quorum of all nodes). The
 * nodes' class path is this JVM's ({@code java.class.path}, which holds Kafka's server jars: this
 * module depends on them), so they run the Kafka of the build.
 *
 * <p>Node {@code i} (1..n) keeps its data in {@code <dir>/node-i}, formatted (in this JVM) on first
 * start with the cluster's id, reads {@code <dir>/conf/node-i.properties}, logs to {@code
 * <dir>/log/node-i.log} (WARN and up, plus its start and stop; stdout and stderr in {@code .out}),
 * and listens on fixed ports chosen at {@link #start}, so a node comes back on the same address.
 * {@link #stopNode} is a clean shutdown (SIGTERM: Kafka's controlled shutdown moves leadership
 * first); {@link #killNode} is a crash (SIGKILL: no shutdown, no flush, leadership moves once the
 * controller fences the silent broker); {@link #startNode} starts a stopped or killed node again.
 * The nodes are killed when this JVM exits.
 *
 * <p>Measured on a 2-core machine: see {@code docs/reliability.md}.
 */
public final class KafkaCluster implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final String clusterId;
  private final KafkaClusterConfig config;
  private final String classpath;
  private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
  private final Thread killOnExit;

  private KafkaCluster(Path dir, KafkaClusterConfig config) {
    this.dir = dir;
    this.clusterId = readOrNewClusterId(dir);
    this.config = config;
    this.classpath = System.getProperty("java.class.path");
    this.killOnExit =
        ChildProcesses.onExit(
            "kafka-cluster-kill-on-exit",
            () -> processes.values().forEach(Process::destroyForcibly));
  }

  /**
   * Starts {@code nodes} (at least 3) nodes under {@code dir} on free ports and returns once every
   * one serves clients (120 s at most).
   *
   * @throws IllegalStateException when a node exits or is not up in time (the message ends with the
   *     tail of its log)
   */
  public static KafkaCluster start(Path dir, int nodes) {
    if (nodes < 3) {
      throw new IllegalArgumentException(
          "a replicated cluster needs at least 3 nodes, not " + nodes);
    }
    List<Integer> ports = freePorts(2 * nodes);
    return StartOrClose.start(
        new KafkaCluster(
            dir.toAbsolutePath().normalize(),
            new KafkaClusterConfig(ports.subList(0, nodes), ports.subList(nodes, 2 * nodes))),
        cluster -> {
          // all at once: a node's broker waits for the controller quorum, a majority of the nodes
          for (int id = 1; id <= nodes; id++) {
            cluster.launch(id);
          }
          for (int id = 1; id <= nodes; id++) {
            cluster.awaitServing(id, START_TIMEOUT);
          }
        });
  }

  /** Every node's {@code host:port}, for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  public int nodes() {
    return config.nodes();
  }

  /** The log file of node {@code id}. */
  public Path logFile(int id) {
    return dir.resolve("log").resolve("node-" + id + ".log");
  }

  /**
   * Starts node {@code id} (1..n), again after {@link #stopNode} or {@link #killNode}, on its ports
   * and data; returns once it serves clients (it has caught up with the metadata and is unfenced).
   */
  public void startNode(int id) {
    launch(id);
    awaitServing(id, START_TIMEOUT);
  }

  /**
   * Stops node {@code id} cleanly (SIGTERM: Kafka's controlled shutdown; SIGKILL after 30 s) and
   * returns once it has exited; its data stays.
   */
  public void stopNode(int id) {
    Process process = processes.remove(id);
    if (process != null) {
      ChildProcesses.terminate(List.of(process.toHandle()), STOP_TIMEOUT, ProcessHandle::isAlive);
    }
  }

  /**
   * Kills node {@code id} with SIGKILL ({@link Process#destroyForcibly()}, which sends SIGKILL on
   * Linux and macOS): no shutdown hook, no flush, no controlled shutdown. Returns the node's exit
   * status once it is gone: 137 (128 + 9) for a SIGKILL.
   *
   * @throws IllegalStateException when the node is not running
   */
  public int killNode(int id) {
    Process process = processes.remove(id);
    if (process == null || !process.isAlive()) {
      throw new IllegalStateException("Kafka node " + id + " is not running");
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("Kafka node " + id + " still running after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing Kafka node " + id, e);
    }
    return process.exitValue();
  }

  /**
   * Creates each topic with {@code partitions} partitions, replicated to every node; existing
   * topics are left alone.
   */
  public void createTopics(int partitions, String... names) {
    createTopics(partitions, Map.of(), names);
  }

  /** Process ids of the running Kafka nodes (for CPU figures). */
  public List<Long> pids() {
    return processes.values().stream().filter(Process::isAlive).map(Process::pid).toList();
  }

  /**
   * Creates each topic with {@code partitions} partitions, replicated to every node, and the topic
   * configuration {@code config} (e.g. {@code cleanup.policy=compact}, {@code retention.ms});
   * existing topics are left alone.
   */
  public void createTopics(int partitions, Map<String, String> config, String... names) {
    List<NewTopic> topics =
        Arrays.stream(names)
            .map(n -> new NewTopic(n, partitions, (short) nodes()).configs(config))
            .toList();
    KafkaBroker.create(bootstrapServers(), topics);
  }

  /**
   * Stops every node, all at once (SIGTERM; SIGKILL after 10 s): one after the other, the last
   * broker's controlled shutdown would wait for a controller quorum that is already gone.
   */
  @Override
  public void close() {
    List<ProcessHandle> running = new ArrayList<>();
    for (int id : List.copyOf(processes.keySet())) {
      Process process = processes.remove(id);
      if (process != null) {
        running.add(process.toHandle());
      }
    }
    ChildProcesses.terminate(running, CLOSE_GRACE, ProcessHandle::isAlive);
    ChildProcesses.cancelOnExit(killOnExit);
  }

  private synchronized void launch(int id) {
    Process old = processes.get(id);
    if (old != null && old.isAlive()) {
      throw new IllegalStateException("Kafka node " + id + " is running");
    }
    try {
      Path logDir = Files.createDirectories(dir.resolve("node-" + id));
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(id)
            .setClusterId(clusterId)
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(logDir.toString())
            .addDirectory(logDir.toString())
            .run();
      }
      Path conf = Files.createDirectories(dir.resolve("conf"));
      Path properties =
          Files.writeString(
              conf.resolve("node-" + id + ".properties"),
              KafkaClusterConfig.serverProperties(config.node(id, logDir)),
              StandardCharsets.ISO_8859_1);
      Path log4j =
          Files.writeString(
              conf.resolve("log4j2.properties"),
              KafkaClusterConfig.log4j(),
              StandardCharsets.UTF_8);
      Path logs = Files.createDirectories(dir.resolve("log"));
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(KafkaClusterConfig.jvmOptions(log4j, logFile(id)));
      command.addAll(List.of("-cp", classpath, KafkaClusterConfig.MAIN, properties.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.redirectOutput(
          ProcessBuilder.Redirect.appendTo(logs.resolve("node-" + id + ".out").toFile()));
      processes.put(id, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka node " + id + " in " + dir, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Kafka node " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until node {@code id} accepts connections and lists itself among the live brokers (a
   * broker does once it has caught up with the metadata and the controller unfenced it).
   */
  private void awaitServing(int id, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    String address = config.bootstrapServer(id);
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    while (!accepts(port)) {
      checkRunning(id, deadline, timeout);
      ChildProcesses.sleep(200);
    }
    Map<String, Object> client =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(client)) {
      while (true) {
        checkRunning(id, deadline, timeout);
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).stream()
              .anyMatch(n -> n.id() == id)) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          // not serving yet
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting Kafka node " + id, e);
        }
        ChildProcesses.sleep(200);
      }
    }
  }

  private void checkRunning(int id, Instant deadline, Duration timeout) {
    Process process = processes.get(id);
    String why =
        process == null || !process.isAlive()
            ? "exited"
                + (process == null ? "" : " with " + process.exitValue())
                + "; its output ends:\n"
                + ChildProcesses.tail(dir.resolve("log").resolve("node-" + id + ".out"), 20, 400)
                + "\nand its log:\n"
            : Instant.now().isAfter(deadline)
                ? "not serving within " + timeout.toSeconds() + " s; its log ends:\n"
                : null;
    if (why != null) {
      throw new IllegalStateException(
          "Kafka node " + id + " " + why + ChildProcesses.tail(logFile(id), 30, 400));
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(KafkaClusterConfig.HOST, port), 500);
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  /**
   * The id every node of a directory is formatted with, kept in {@code <dir>/cluster.id} across
   * restarts.
   */
  private static String readOrNewClusterId(Path dir) {
    try {
      Path file = Files.createDirectories(dir).resolve("cluster.id");
      if (Files.exists(file)) {
        return Files.readString(file).strip();
      }
      String id = Uuid.randomUuid().toString();
      Files.writeString(file, id);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
  }

  /** {@code count} distinct free ports: every socket is open until all are chosen. */
  private static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(KafkaClusterConfig.HOST)));
      }
      return sockets.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a listening socket that never accepted
        }
      }
    }
  }
}
