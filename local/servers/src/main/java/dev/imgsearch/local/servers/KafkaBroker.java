package dev.imgsearch.local.servers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A real single-node Kafka broker (KRaft combined mode: broker and controller in one node) running
 * in this JVM from Kafka's own server classes.
 *
 * <p>The log directory is formatted on first start (no {@code meta.properties} yet) and reused as
 * it is afterwards, so topics, records and committed offsets survive a restart on the same
 * directory. The controller quorum is static ({@code controller.quorum.voters}), which lets every
 * start pick a fresh controller port.
 *
 * <p>Settings for one node: offsets and transaction state topics with replication factor 1 and min
 * ISR 1 (one partition each, so the first consumer group and the first transaction start fast), no
 * initial rebalance delay, topic auto-creation left on (Kafka's default). Clients connect over
 * PLAINTEXT on 127.0.0.1.
 *
 * <p>{@link #startWithSasl} adds a second listener, {@code SASL_PLAINTEXT} with SCRAM-SHA-512 only
 * (as the k8s manifests' Strimzi listener), at {@link #saslBootstrapServers()}; its users are
 * created with {@link #addScramUser} (over the PLAINTEXT listener, which stays open for the test's
 * own clients and the inter-broker traffic). No authorizer: an authenticated user may do anything.
 *
 * <p>Logging goes through slf4j under the {@code kafka}, {@code org.apache.kafka} and {@code
 * state.change.logger} loggers; the host application's logging configuration decides how much of it
 * shows (WARN is plenty).
 *
 * <p>A fatal broker error ends the JVM (Kafka's own behaviour). Measured on a 2-core machine: first
 * start (format + start, cold classes) 1.4–1.8 s, a restart on a formatted directory about 0.25 s.
 */
public final class KafkaBroker implements AutoCloseable {
  private static final int NODE_ID = 1;
  private static final String HOST = "127.0.0.1";

  private static final String SASL_LISTENER = "SASL_PLAINTEXT";
  private static final String SCRAM = "SCRAM-SHA-512";

  /**
   * Longest gap between two records of the metadata log when the cluster is idle (Kafka's {@code
   * metadata.max.idle.interval.ms}, default 500 ms); see docs/benchmarks.md (the idle stack).
   */
  static final java.time.Duration METADATA_MAX_IDLE = java.time.Duration.ofSeconds(5);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final String saslBootstrapServers;
  private final Path logDir;
  private boolean closed;

  private KafkaBroker(
      KafkaRaftServer server, String bootstrapServers, String saslBootstrapServers, Path logDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.saslBootstrapServers = saslBootstrapServers;
    this.logDir = logDir;
  }

  /**
   * Starts a broker storing its data in {@code logDir} (created if missing) and listening on {@code
   * port} (0 picks a free port). Returns once the broker accepts clients.
   */
  public static KafkaBroker start(Path logDir, int port) {
    return start(logDir, port, false);
  }

  /**
   * Like {@link #start(Path, int)} on a free port, plus a {@code SASL_PLAINTEXT} listener accepting
   * SCRAM-SHA-512 only ({@link #saslBootstrapServers()}); create its users with {@link
   * #addScramUser}.
   */
  public static KafkaBroker startWithSasl(Path logDir) {
    return start(logDir, 0, true);
  }

  private static KafkaBroker start(Path logDir, int port, boolean sasl) {
    try {
      Files.createDirectories(logDir);
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      int saslPort = sasl ? freePort() : -1;
      KafkaConfig config =
          new KafkaConfig(brokerProperties(logDir, brokerPort, controllerPort, saslPort), false);
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(config, logDir);
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        server.shutdown();
        server.awaitShutdown();
        throw e;
      }
      return new KafkaBroker(
          server, HOST + ":" + brokerPort, sasl ? HOST + ":" + saslPort : null, logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start Kafka in " + logDir, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start Kafka in " + logDir + ": " + e.getMessage(), e);
    }
  }

  /** {@code host:port} for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@code host:port} of the SCRAM-SHA-512 listener ({@link #startWithSasl}). */
  public String saslBootstrapServers() {
    if (saslBootstrapServers == null) {
      throw new IllegalStateException("started without a SASL listener (use startWithSasl)");
    }
    return saslBootstrapServers;
  }

  /**
   * Creates (or updates) a SCRAM-SHA-512 user and returns once the SASL listener accepts its
   * password (10 s at most): credentials travel through the metadata log, so the broker knows them
   * a moment after the controller.
   */
  public void addScramUser(String user, String password) {
    String listener = saslBootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding SCRAM user " + user, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot add SCRAM user " + user + ": " + e.getMessage(), e);
    }
    Map<String, Object> client = new HashMap<>();
    client.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, listener);
    client.put("security.protocol", SASL_LISTENER);
    client.put("sasl.mechanism", SCRAM);
    client.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\" password=\""
            + password.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\";");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Admin admin = Admin.create(client)) {
      while (true) {
        try {
          admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "SCRAM user " + user + " not accepted by " + listener + ": " + e.getMessage(), e);
          }
          Thread.sleep(100);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding SCRAM user " + user, e);
    }
  }

  /** The directory holding the broker's data. */
  public Path logDir() {
    return logDir;
  }

  /**
   * Creates each topic with {@code partitions} partitions (replication factor 1); topics that exist
   * are left as they are.
   */
  public void createTopics(int partitions, String... names) {
    create(Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList());
  }

  /**
   * Creates each topic with {@code partitions} partitions (replication factor 1) and the topic
   * configuration {@code config} (e.g. {@code retention.ms}); topics that exist are left as they
   * are.
   */
  public void createTopics(int partitions, Map<String, String> config, String... names) {
    create(
        Arrays.stream(names)
            .map(n -> new NewTopic(n, partitions, (short) 1).configs(config))
            .toList());
  }

  /**
   * Creates compacted topics (cleanup.policy=compact: the latest value per key is kept forever);
   * existing ones stay.
   */
  public void createCompactedTopics(int partitions, String... names) {
    create(
        Arrays.stream(names)
            .map(
                n ->
                    new NewTopic(n, partitions, (short) 1)
                        .configs(Map.of("cleanup.policy", "compact")))
            .toList());
  }

  private void create(List<NewTopic> topics) {
    create(bootstrapServers, topics);
  }

  /**
   * Creates {@code topics} through the brokers at {@code bootstrapServers}; existing topics are
   * left alone (also {@link KafkaCluster}'s).
   */
  static void create(String bootstrapServers, List<NewTopic> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      CreateTopicsResult result = admin.createTopics(topics);
      for (var entry : result.values().entrySet()) {
        try {
          entry.getValue().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /** Stops the broker and waits until it has shut down; the data stays in {@link #logDir()}. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      server.shutdown();
      server.awaitShutdown();
    }
  }

  private static Map<String, Object> brokerProperties(
      Path logDir, int brokerPort, int controllerPort, int saslPort) {
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    String sasl = saslPort < 0 ? "" : "," + SASL_LISTENER + "://" + HOST + ":" + saslPort;
    p.put(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + brokerPort
            + sasl
            + ",CONTROLLER://"
            + HOST
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + sasl);
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
            + (saslPort < 0 ? "" : "," + SASL_LISTENER + ":" + SASL_LISTENER));
    if (saslPort >= 0) {
      p.put("sasl.enabled.mechanisms", SCRAM);
      p.put(
          "listener.name."
              + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT)
              + "."
              + SCRAM.toLowerCase(java.util.Locale.ROOT)
              + ".sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // A small log cleaner buffer: the default 128 MiB is sized for production brokers.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    // The controller appends a no-op record to the metadata log this often when nothing else
    // changes (Kafka's default 500 ms): each is a Raft append, a flush of the metadata log and a
    // metadata delta published to the broker. Other nodes use them to tell that their metadata is
    // current (KIP-835); a single node has no other nodes.
    p.put("metadata.max.idle.interval.ms", Long.toString(METADATA_MAX_IDLE.toMillis()));
    return p;
  }

  private static void format(KafkaConfig config, Path logDir) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(config.metadataLogDir())
        .addDirectory(logDir.toAbsolutePath().toString())
        .run();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
