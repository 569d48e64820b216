package dev.imgsearch.local.servers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration of the local Flink standalone session cluster ({@link FlinkCluster}): the
 * {@code config.yaml} each process reads and the JVM options that match its memory settings (what
 * {@code flink-dist}'s scripts compute with {@code BashJavaUtils}). Pure: no I/O.
 *
 * <p>Sized for a small shared machine: JobManager heap 384 MiB; each TaskManager {@value
 * #SLOTS_PER_TM} slots, 512 MiB task heap, no managed memory (the job keeps its state on the heap),
 * 64 MiB network buffers — about 1.3 GiB a TaskManager process, plus what ONNX Runtime allocates
 * natively. Checkpoints go to a local directory every process reaches (one machine); failed jobs
 * restart every second, up to {@value #RESTART_ATTEMPTS} times; a TaskManager that stops answering
 * heartbeats for {@value #HEARTBEAT_TIMEOUT_MS} ms is declared lost.
 *
 * @param restPort JobManager REST port (also the web UI)
 * @param rpcPort JobManager RPC port
 * @param checkpointDir directory of checkpoints and savepoints
 * @param uploadDir where the JobManager keeps uploaded job jars
 * @param tmpDir temporary files and BLOB caches of every process (not {@code /tmp}: names there are
 *     per resource id)
 */
public record FlinkClusterConfig(
    int restPort, int rpcPort, Path checkpointDir, Path uploadDir, Path tmpDir) {
  public static final String HOST = "127.0.0.1";
  public static final int SLOTS_PER_TM = 2;
  static final int RESTART_ATTEMPTS = 1000;
  static final int HEARTBEAT_TIMEOUT_MS = 8000;

  /** The JVM flags Flink needs on Java 17 (those of flink-dist's {@code env.java.opts.all}). */
  static final List<String> JAVA_17_OPENS =
      List.of(
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
          "--add-opens=java.sql/java.sql=ALL-UNNAMED",
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");

  public FlinkClusterConfig {
    checkPort(restPort, "restPort");
    checkPort(rpcPort, "rpcPort");
    if (restPort == rpcPort) {
      throw new IllegalArgumentException("REST and RPC ports must differ, both are " + restPort);
    }
    checkpointDir = checkpointDir.toAbsolutePath().normalize();
    uploadDir = uploadDir.toAbsolutePath().normalize();
    tmpDir = tmpDir.toAbsolutePath().normalize();
  }

  /** {@code http://127.0.0.1:<restPort>}. */
  public String restUrl() {
    return "http://" + HOST + ":" + restPort;
  }

  /** Settings shared by every process of the cluster, in {@code config.yaml} order. */
  Map<String, String> common() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", HOST);
    c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    c.put("jobmanager.bind-host", HOST);
    c.put("rest.address", HOST);
    c.put("rest.bind-address", HOST);
    c.put("rest.port", Integer.toString(restPort));
    c.put("taskmanager.bind-host", HOST);
    c.put("taskmanager.host", HOST);
    c.put("taskmanager.rpc.port", "0");
    c.put("taskmanager.data.port", "0");
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(SLOTS_PER_TM));
    c.put("parallelism.default", Integer.toString(SLOTS_PER_TM));
    // spread a job's slots over the TaskManagers, so losing one takes part of the job, not all of
    // it
    c.put("taskmanager.load-balance.mode", "SLOTS");
    c.put("jobmanager.memory.heap.size", "384m");
    c.put("jobmanager.memory.off-heap.size", "128m");
    c.put("jobmanager.memory.jvm-metaspace.size", "192m");
    c.put("taskmanager.cpu.cores", "2.0");
    c.put("taskmanager.memory.framework.heap.size", "128m");
    c.put("taskmanager.memory.task.heap.size", "512m");
    c.put("taskmanager.memory.framework.off-heap.size", "128m");
    c.put("taskmanager.memory.task.off-heap.size", "64m");
    c.put("taskmanager.memory.network.min", "64m");
    c.put("taskmanager.memory.network.max", "64m");
    c.put("taskmanager.memory.managed.size", "0m");
    c.put("taskmanager.memory.jvm-metaspace.size", "256m");
    c.put("taskmanager.memory.jvm-overhead.min", "192m");
    c.put("taskmanager.memory.jvm-overhead.max", "192m");
    c.put("state.backend.type", "hashmap");
    c.put("execution.checkpointing.dir", checkpointDir.toUri().toString());
    c.put(
        "execution.checkpointing.savepoint-dir",
        checkpointDir.resolve("savepoints").toUri().toString());
    c.put("restart-strategy.type", "fixed-delay");
    c.put("restart-strategy.fixed-delay.attempts", Integer.toString(RESTART_ATTEMPTS));
    c.put("restart-strategy.fixed-delay.delay", "1 s");
    // a TaskManager started before the JobManager listens retries after 1 s, not 10 s
    c.put("cluster.registration.error-delay", "1000");
    c.put("io.tmp.dirs", tmpDir.toString());
    c.put("blob.storage.directory", tmpDir.resolve("blobs").toString());
    c.put("heartbeat.interval", "1000");
    c.put("heartbeat.timeout", Integer.toString(HEARTBEAT_TIMEOUT_MS));
    c.put("web.upload.dir", uploadDir.toString());
    c.put("web.submit.enable", "true");
    // the shaded job jar (ONNX Runtime's native libraries for every platform) is over the default
    // 100 MiB
    c.put("rest.server.max-content-length", Integer.toString(512 * 1024 * 1024));
    c.put("classloader.resolve-order", "child-first");
    // the REST API's metric values are at most 1 s old (default 10 s)
    c.put("metrics.fetcher.update-interval", "1000");
    return c;
  }

  /**
   * The settings of one TaskManager: the common ones plus its resource id (its name in the REST
   * API).
   */
  Map<String, String> taskManager(String resourceId) {
    Map<String, String> c = common();
    c.put("taskmanager.resource-id", resourceId);
    return c;
  }

  /**
   * {@code config.yaml} text of {@code settings}: one {@code key: value} line each, values quoted.
   */
  static String yaml(Map<String, String> settings) {
    StringBuilder out = new StringBuilder("# generated by FlinkCluster\n");
    settings.forEach(
        (k, v) ->
            out.append(k)
                .append(": \"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                .append("\"\n"));
    return out.toString();
  }

  /** JVM memory flags of the JobManager, matching {@link #common()}. */
  static List<String> jobManagerJvm() {
    return List.of(
        "-Xms384m", "-Xmx384m", "-XX:MaxDirectMemorySize=128m", "-XX:MaxMetaspaceSize=192m");
  }

  /**
   * JVM memory flags of a TaskManager: heap = framework + task heap, direct = off-heaps + network.
   */
  static List<String> taskManagerJvm() {
    return List.of(
        "-Xms640m", "-Xmx640m", "-XX:MaxDirectMemorySize=256m", "-XX:MaxMetaspaceSize=256m");
  }

  /**
   * The JVM options of one process: memory flags, the Java 17 opens, the log4j configuration and
   * log file.
   */
  static List<String> jvmOptions(List<String> memory, Path log4jConfig, Path logFile) {
    List<String> options = new ArrayList<>(memory);
    options.add("-XX:+UseSerialGC");
    options.addAll(JAVA_17_OPENS);
    options.add("-Dlog4j.configurationFile=" + log4jConfig.toUri());
    options.add("-Dlog.file=" + logFile);
    return options;
  }

  /**
   * A log4j2 configuration writing INFO and above to the file of system property {@code log.file}.
   */
  static String log4j() {
    return String.join(
        "\n",
        "rootLogger.level = INFO",
        "rootLogger.appenderRef.file.ref = file",
        "appender.file.name = file",
        "appender.file.type = File",
        "appender.file.fileName = ${sys:log.file}",
        "appender.file.layout.type = PatternLayout",
        "appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5level %c{1.} [%t] - %msg%n",
        "logger.kafka.name = org.apache.kafka",
        "logger.kafka.level = WARN",
        "");
  }

  private static void checkPort(int port, String name) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " must be in 1..65535, not " + port);
    }
  }
}
