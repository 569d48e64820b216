package dev.imgsearch.cli;

import dev.imgsearch.schemas.Topics;
import java.nio.file.Path;

/**
 * The "imgsearch is running" block {@code imgsearch local} prints once the stack is up: where the
 * page and the API, S3, Kafka (and, with {@code --cluster}, the Flink web UI) are, and how to use
 * them. Pure.
 *
 * @param flinkWebUi null for the one-JVM stack (its MiniCluster has no web UI)
 * @param vectorStore the store line, e.g. {@code embedded (/data/vectors)}
 */
record StackSummary(
    String queryApi,
    String flinkWebUi,
    String s3Endpoint,
    String bucket,
    String accessKey,
    String secretKey,
    String bootstrapServers,
    String vectorStore,
    Path dataDir) {

  String text() {
    String flink =
        flinkWebUi == null
            ? ""
            : String.format(
                "  Flink web UI / REST : %s   (JobManager + %d TaskManagers, the job as its shaded jar)%n",
                flinkWebUi, ClusterOptions.TASK_MANAGERS);
    return String.format(
        """

        imgsearch is running.
          Web page / query API : %s   (no API keys: local mode, anyone who reaches this port can search)
        %s  S3 endpoint          : %s   bucket: %s   access key: %s   secret key: %s
          Kafka                : %s   topics: %s, %s, %s
          Raw frames (claim-check): publish image bytes to %s with headers source, content-type
          Vector store         : %s
        Upload images:  ./imgsearch ingest DIR --source my-camera --tags street,night
        Search:         ./imgsearch search IMAGE -k 10 --source my-camera --tags night
        Delete:         ./imgsearch delete my-camera/cat.jpg
        Ctrl-C stops everything; data stays in %s
        %n""",
        queryApi,
        flink,
        s3Endpoint,
        bucket,
        accessKey,
        secretKey,
        bootstrapServers,
        Topics.NOTIFICATIONS.name(),
        Topics.IMAGE_EVENTS.name(),
        Topics.DEAD_LETTERS.name(),
        Topics.RAW_FRAMES.name(),
        vectorStore,
        dataDir.toAbsolutePath());
  }
}
