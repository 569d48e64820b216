package dev.imgsearch.local.s3;

import dev.imgsearch.schemas.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs {@link S3Server} until the process is terminated, for the local stack. Once it serves
 * requests it prints the single stdout line {@value #READY_PREFIX}{@code PORT}, which launchers
 * wait for; logging goes to stderr (WARN, and INFO for this package). On SIGTERM it stops serving
 * and flushes the Kafka producer.
 *
 * <pre>
 * java -cp "$(cat local/s3-server/target/s3-server.classpath)" dev.imgsearch.local.s3.S3ServerMain \
 *     --data-dir .imgsearch-data/s3 --port 9000 --access-key minioadmin --secret-key minioadmin \
 *     --bucket images --bootstrap-servers 127.0.0.1:9092
 * </pre>
 */
@Command(
    name = "s3-server",
    mixinStandardHelpOptions = true,
    description =
        "S3 server (S3Proxy, filesystem backend) publishing MinIO bucket notifications to Kafka.")
public final class S3ServerMain implements Callable<Integer> {
  /** Start of the line printed to stdout once the server accepts requests; the endpoint follows. */
  public static final String READY_PREFIX = "S3 server ready on http://127.0.0.1:";

  @Option(
      names = "--data-dir",
      required = true,
      description = "Directory holding the buckets (created if missing).")
  Path dataDir;

  @Option(
      names = "--port",
      defaultValue = "9000",
      description = "Port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--access-key",
      required = true,
      description = "Access key clients sign requests with.")
  String accessKey;

  @Option(
      names = "--secret-key",
      required = true,
      description = "Secret key clients sign requests with.")
  String secretKey;

  @Option(names = "--bucket", description = "Bucket to create if missing; repeatable.")
  List<String> buckets = new ArrayList<>();

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--topic",
      description = "Topic for the notifications (default: ${DEFAULT-VALUE}).")
  String topic = Topics.NOTIFICATIONS.name();

  public static void main(String[] args) {
    int exitCode = new CommandLine(new S3ServerMain()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    var config =
        new S3Server.Config(dataDir, port, accessKey, secretKey, buckets, bootstrapServers, topic);
    S3Server server = S3Server.start(config);
    var stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "s3-server-shutdown"));
    System.out.println(READY_PREFIX + server.port());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
