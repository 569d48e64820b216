package dev.imgsearch.local.servers;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The configuration of {@link KafkaCluster}'s nodes: the {@code server.properties} each node's JVM
 * reads, the static controller quorum, and the JVM options. Pure: no I/O.
 *
 * <p>Every node is broker and controller (KRaft combined mode) on 127.0.0.1, node {@code i} (1..n)
 * on the {@code i}-th broker and controller port. Replication factor n for every topic (default,
 * offsets, transactions, share state), {@code min.insync.replicas} n − 1: with 3 nodes,
 * acknowledged writes ({@code acks=all}) survive the loss of one broker. A broker that stops
 * heartbeating is fenced, and its partitions' leadership moves, after {@value
 * #BROKER_SESSION_TIMEOUT_MS} ms (Kafka's default is 9 s): a SIGKILL gives no controlled shutdown,
 * so this bounds how long the killed broker's partitions have no leader.
 *
 * @param brokerPorts each node's client (PLAINTEXT) port, node 1 first
 * @param controllerPorts each node's controller port, node 1 first
 */
record KafkaClusterConfig(List<Integer> brokerPorts, List<Integer> controllerPorts) {
  static final String HOST = "127.0.0.1";

  /** Kafka's own server entry point ({@code kafka-server-start.sh} runs it). */
  static final String MAIN = "kafka.Kafka";

  static final int BROKER_SESSION_TIMEOUT_MS = 4000;
  static final int BROKER_HEARTBEAT_INTERVAL_MS = 500;

  /** The system property the log4j2 configuration of {@link #log4j()} reads the log file from. */
  static final String LOG_FILE_PROPERTY = "imgsearch.kafka.log";

  KafkaClusterConfig {
    brokerPorts = List.copyOf(brokerPorts);
    controllerPorts = List.copyOf(controllerPorts);
    if (brokerPorts.size() < 3) {
      throw new IllegalArgumentException(
          "a replicated cluster needs at least 3 nodes, not " + brokerPorts.size());
    }
    if (controllerPorts.size() != brokerPorts.size()) {
      throw new IllegalArgumentException(
          brokerPorts.size()
              + " broker ports but "
              + controllerPorts.size()
              + " controller ports: one of each per node");
    }
    Set<Integer> seen = new HashSet<>();
    for (int port : concat(brokerPorts, controllerPorts)) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("ports must be in 1..65535, not " + port);
      }
      if (!seen.add(port)) {
        throw new IllegalArgumentException("port " + port + " is given twice");
      }
    }
  }

  int nodes() {
    return brokerPorts.size();
  }

  /** Every node's {@code host:port}, for the clients' {@code bootstrap.servers}. */
  String bootstrapServers() {
    return brokerPorts.stream().map(p -> HOST + ":" + p).collect(Collectors.joining(","));
  }

  /** Node {@code id}'s client address. */
  String bootstrapServer(int id) {
    return HOST + ":" + brokerPorts.get(index(id));
  }

  /** The static controller quorum: {@code 1@127.0.0.1:<port>,2@…}, every node a voter. */
  String voters() {
    return IntStream.rangeClosed(1, nodes())
        .mapToObj(id -> id + "@" + HOST + ":" + controllerPorts.get(id - 1))
        .collect(Collectors.joining(","));
  }

  /** The settings of node {@code id} (1..n) keeping its data in {@code logDir}. */
  Map<String, String> node(int id, Path logDir) {
    int i = index(id);
    String replicas = Integer.toString(nodes());
    String minIsr = Integer.toString(nodes() - 1);
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(id));
    p.put("controller.quorum.voters", voters());
    p.put(
        "listeners",
        "PLAINTEXT://"
            + HOST
            + ":"
            + brokerPorts.get(i)
            + ",CONTROLLER://"
            + HOST
            + ":"
            + controllerPorts.get(i));
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPorts.get(i));
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toAbsolutePath().normalize().toString());
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
    p.put("broker.session.timeout.ms", Integer.toString(BROKER_SESSION_TIMEOUT_MS));
    p.put("broker.heartbeat.interval.ms", Integer.toString(BROKER_HEARTBEAT_INTERVAL_MS));
    // a small machine: fewer threads and a small log cleaner buffer (the default 128 MiB is sized
    // for production brokers)
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
    return p;
  }

  /**
   * {@code server.properties} text of {@code settings}: one {@code key=value} line each, escaped as
   * {@link java.util.Properties#load(java.io.InputStream)} reads it (ISO 8859-1, other characters
   * as Unicode escapes).
   */
  static String serverProperties(Map<String, String> settings) {
    StringBuilder out = new StringBuilder("# generated by KafkaCluster\n");
    settings.forEach(
        (k, v) -> out.append(escape(k, true)).append('=').append(escape(v, false)).append('\n'));
    return out.toString();
  }

  /**
   * A node JVM's options: a small heap, the quick JIT only (a test broker's load needs no C2, and
   * C2's compiler threads slow the start on a busy machine), the log4j2 configuration and log file.
   */
  static List<String> jvmOptions(Path log4jConfig, Path logFile) {
    return List.of(
        "-Xms64m",
        "-Xmx384m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Dlog4j2.configurationFile=" + log4jConfig.toUri(),
        "-D" + LOG_FILE_PROPERTY + "=" + logFile);
  }

  /**
   * A log4j2 configuration writing WARN and above, and the server's start and stop, to the file of
   * system property {@value #LOG_FILE_PROPERTY}.
   */
  static String log4j() {
    return String.join(
        "\n",
        "rootLogger.level = WARN",
        "rootLogger.appenderRef.file.ref = file",
        "appender.file.name = file",
        "appender.file.type = File",
        "appender.file.fileName = ${sys:" + LOG_FILE_PROPERTY + "}",
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1.} [%t] - %msg%n",
        "logger.server.name = kafka.server.KafkaRaftServer",
        "logger.server.level = INFO",
        "");
  }

  private int index(int id) {
    if (id < 1 || id > nodes()) {
      throw new IllegalArgumentException("no Kafka node " + id + " (1.." + nodes() + ")");
    }
    return id - 1;
  }

  private static String escape(String s, boolean key) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\f' -> out.append("\\f");
        default -> {
          boolean special =
              (key && (c == '=' || c == ':' || c == ' ' || c == '#' || c == '!'))
                  || (c == ' ' && i == 0);
          if (special) {
            out.append('\\').append(c);
          } else if (c < 0x20 || c > 0x7e) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static List<Integer> concat(List<Integer> a, List<Integer> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
