package dev.imgsearch.cli;

import dev.imgsearch.ingest.IngestApp;
import dev.imgsearch.ingest.IngestSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code imgsearch ingest-stream [--name value ...]}: runs the ingest-stream stage alone (as it
 * runs in Kubernetes) until Ctrl-C. Options are ingest-stream's own ({@link
 * IngestSettings#OPTIONS}), also read from {@code IMGSEARCH_INGEST_*} environment variables; {@code
 * kafka.bootstrap-servers} defaults to the local stack's broker.
 */
@Command(
    name = "ingest-stream",
    mixinStandardHelpOptions = true,
    description =
        "Run the ingest-stream stage alone: MinIO notifications (and raw frames) → image events.",
    footer = {
      "",
      "Options (--name value, or env IMGSEARCH_INGEST_<NAME>): see ingest-stream/README.md; e.g.",
      "  --kafka.bootstrap-servers 127.0.0.1:9092 --processing.guarantee exactly_once_v2 --metrics.port 9404",
      "  --s3.endpoint http://127.0.0.1:9000 --s3.access-key imgsearch --s3.secret-key imgsearch-secret"
    })
public final class IngestStreamCommand implements Callable<Integer> {
  @Unmatched List<String> options = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Map<String, String> flags = new HashMap<>(IngestApp.parseFlags(options.toArray(String[]::new)));
    if (!flags.containsKey("kafka.bootstrap-servers")
        && System.getenv(IngestSettings.envName("kafka.bootstrap-servers")) == null) {
      flags.put("kafka.bootstrap-servers", "127.0.0.1:" + LocalStackSettings.DEFAULT_KAFKA_PORT);
    }
    IngestSettings settings =
        IngestSettings.fromEnv(
            System.getenv(), flags); // a bad option: IllegalArgumentException, a usage error
    CountDownLatch stopped = new CountDownLatch(1);
    IngestApp app = new IngestApp(settings).start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                },
                "ingest-stream-shutdown"));
    if (settings.metricsPort() >= 0) {
      System.out.println(
          "ingest-stream running; metrics on http://127.0.0.1:"
              + app.metricsPort()
              + "/metrics (Ctrl-C stops it)");
    } else {
      System.out.println("ingest-stream running (Ctrl-C stops it)");
    }
    stopped.await();
    return 0;
  }
}
