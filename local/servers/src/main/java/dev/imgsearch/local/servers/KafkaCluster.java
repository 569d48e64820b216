package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A replicated Kafka cluster in this JVM: {@code n} KRaft nodes from Kafka's own server classes,
 * each broker and controller (combined mode), one controller quorum of all of them. Replication
 * factor {@code n} for every topic (default, offsets, transactions, share state), {@code
 * min.insync.replicas} n − 1: with 3 nodes, acknowledged writes ({@code acks=all}, the clients'
 * default, idempotent producers) survive the loss of one broker.
 *
 * <p>Node {@code i} (1..n) keeps its data in {@code <dir>/node-i}, formatted on first start with
 * the cluster's id, and listens on fixed ports chosen at {@link #start}, so {@link #stopNode} /
 * {@link #startNode} bring a broker down and back on the same address. The nodes run in one JVM: a
 * stop is a clean shutdown, not a crash (a SIGKILL needs a process per broker). Logging as for
 * {@link KafkaBroker}.
 */
public final class KafkaCluster implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final Path dir;
  private final String clusterId;
  private final int[] brokerPorts;
  private final int[] controllerPorts;
  private final KafkaRaftServer[] servers;

  private KafkaCluster(Path dir, int nodes) {
    this.dir = dir;
    this.clusterId = readOrNewClusterId(dir);
    this.brokerPorts = IntStream.range(0, nodes).map(i -> freePort()).toArray();
    this.controllerPorts = IntStream.range(0, nodes).map(i -> freePort()).toArray();
    this.servers = new KafkaRaftServer[nodes];
  }

  /**
   * Starts {@code nodes} (at least 3) nodes under {@code dir} and returns once every one accepts
   * clients.
   */
  public static KafkaCluster start(Path dir, int nodes) {
    if (nodes < 3) {
      throw new IllegalArgumentException(
          "a replicated cluster needs at least 3 nodes, not " + nodes);
    }
    KafkaCluster cluster = new KafkaCluster(dir.toAbsolutePath().normalize(), nodes);
    try {
      // in parallel: a node's broker waits for the controller quorum, which needs a majority of the
      // nodes
      CompletableFuture<?>[] starts =
          IntStream.rangeClosed(1, nodes)
              .mapToObj(id -> CompletableFuture.runAsync(() -> cluster.startNode(id)))
              .toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(starts).get();
      return cluster;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cluster.close();
      throw new IllegalStateException("interrupted while starting Kafka", e);
    } catch (ExecutionException e) {
      cluster.close();
      throw new IllegalStateException(
          "cannot start the Kafka cluster in " + dir + ": " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /** Every node's {@code host:port}, for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return Arrays.stream(brokerPorts)
        .mapToObj(p -> HOST + ":" + p)
        .collect(Collectors.joining(","));
  }

  public int nodes() {
    return servers.length;
  }

  /** Starts node {@code id} (1..n) on its ports and data directory; returns once it is up. */
  public void startNode(int id) {
    int i = index(id);
    synchronized (this) {
      if (servers[i] != null) {
        throw new IllegalStateException("Kafka node " + id + " is running");
      }
    }
    try {
      Path logDir = Files.createDirectories(dir.resolve("node-" + id));
      KafkaConfig config = new KafkaConfig(properties(id, logDir), false);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(id)
            .setClusterId(clusterId)
            .setControllerListenerName("CONTROLLER")
            .setMetadataLogDirectory(config.metadataLogDir())
            .addDirectory(logDir.toString())
            .run();
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      synchronized (this) {
        servers[i] = server;
      }
      server.startup();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka node " + id, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Kafka node " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Shuts node {@code id} down (its partitions' leadership moves to the others); its data stays.
   */
  public void stopNode(int id) {
    KafkaRaftServer server;
    synchronized (this) {
      server = servers[index(id)];
      servers[index(id)] = null;
    }
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
    }
  }

  /**
   * Creates each topic with {@code partitions} partitions, replicated to every node; existing
   * topics are left alone.
   */
  public void createTopics(int partitions, String... names) {
    createTopics(partitions, Map.of(), names);
  }

  /**
   * Creates each topic with {@code partitions} partitions, replicated to every node, and the topic
   * configuration {@code config} (e.g. {@code cleanup.policy=compact}, {@code retention.ms});
   * existing topics are left alone.
   */
  public void createTopics(int partitions, Map<String, String> config, String... names) {
    List<NewTopic> topics =
        Arrays.stream(names)
            .map(n -> new NewTopic(n, partitions, (short) servers.length).configs(config))
            .toList();
    KafkaBroker.create(bootstrapServers(), topics);
  }

  /**
   * Stops every node, all at once: one after the other, the last broker's controlled shutdown would
   * wait for a controller quorum that is already gone.
   */
  @Override
  public void close() {
    List<Integer> running = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < servers.length; i++) {
        if (servers[i] != null) {
          running.add(i + 1);
        }
      }
    }
    CompletableFuture.allOf(
            running.stream()
                .map(id -> CompletableFuture.runAsync(() -> stopNode(id)))
                .toArray(CompletableFuture[]::new))
        .join();
  }

  private Map<String, Object> properties(int id, Path logDir) {
    int n = servers.length;
    String voters =
        IntStream.rangeClosed(1, n)
            .mapToObj(v -> v + "@" + HOST + ":" + controllerPorts[v - 1])
            .collect(Collectors.joining(","));
    String replicas = Integer.toString(n);
    String minIsr = Integer.toString(n - 1);
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(id));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + brokerPorts[id - 1]
            + ",CONTROLLER://"
            + HOST
            + ":"
            + controllerPorts[id - 1]);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPorts[id - 1]);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", replicas);
    p.put("min.insync.replicas", minIsr);
    p.put("offsets.topic.replication.factor", replicas);
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", replicas);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", replicas);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("unclean.leader.election.enable", "false");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    return p;
  }

  private int index(int id) {
    if (id < 1 || id > servers.length) {
      throw new IllegalArgumentException("no Kafka node " + id + " (1.." + servers.length + ")");
    }
    return id - 1;
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

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
