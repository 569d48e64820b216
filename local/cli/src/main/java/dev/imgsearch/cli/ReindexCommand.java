package dev.imgsearch.cli;

import dev.imgsearch.indexer.reindex.ModelPolicy;
import dev.imgsearch.indexer.reindex.TopicReindex;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.schemas.KafkaSecurity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code imgsearch reindex}: builds a new collection from the compacted embeddings topic and swaps
 * the alias readers use once it has caught up (indexer/README.md, "Re-index without downtime").
 */
@Command(
    name = "reindex",
    mixinStandardHelpOptions = true,
    description = {
      "Re-index without downtime: replay the compacted embeddings topic from the beginning into a new collection,",
      "catch up with what was written meanwhile, then point the alias at it in one step. The old collection is kept."
    })
final class ReindexCommand implements Callable<Integer> {
  @Option(
      names = "--bootstrap",
      defaultValue = "127.0.0.1:" + LocalStackSettings.DEFAULT_KAFKA_PORT,
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrap;

  @Option(
      names = "--kafka-sasl-username",
      description = "SASL user of the replay's Kafka consumer (default: no authentication).")
  String kafkaSaslUsername;

  @Option(
      names = "--kafka-sasl-password",
      defaultValue = "${env:IMGSEARCH_REINDEX_KAFKA_SASL_PASSWORD}",
      description =
          "Its password; better from the environment variable IMGSEARCH_REINDEX_KAFKA_SASL_PASSWORD.")
  String kafkaSaslPassword;

  @Option(
      names = "--kafka-security-protocol",
      description =
          "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (default: SASL_PLAINTEXT with a user, else PLAINTEXT).")
  String kafkaSecurityProtocol;

  @Option(
      names = "--kafka-sasl-mechanism",
      description = "SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN.")
  String kafkaSaslMechanism;

  @Option(
      names = "--topic",
      defaultValue = "imgsearch.embeddings",
      description = "Compacted embeddings topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Mixin StoreOptions store;

  @Option(
      names = "--milvus-token",
      defaultValue = "",
      description = "Milvus user:password or API token.")
  String milvusToken;

  @Option(
      names = "--data-dir",
      defaultValue = LocalStackSettings.DEFAULT_DATA_DIR,
      description =
          "Data directory of `imgsearch local`; the embedded store is <data-dir>/vectors (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--store-path", description = "Embedded store directory (overrides --data-dir).")
  Path storePath;

  @Option(
      names = "--alias",
      defaultValue = LocalStack.COLLECTION,
      description = "Alias the readers use (default: ${DEFAULT-VALUE}).")
  String alias;

  @Option(
      names = "--collection",
      required = true,
      description = "New collection, one per model version, e.g. images_mnv2_v2.")
  String collection;

  @Option(
      names = "--dimension",
      defaultValue = "576",
      description = "Vector dimension of the new collection (default: ${DEFAULT-VALUE}).")
  int dimension;

  @Option(
      names = "--model",
      description =
          "Target model tag (id@version, as on the topic); default: the model of the first embedding replayed.")
  String model;

  @Option(
      names = "--on-model-mismatch",
      defaultValue = "skip",
      description =
          "skip (count, leave the image out) or fail, for embeddings of another model or dimension (default: ${DEFAULT-VALUE}).")
  String onMismatch;

  @Option(
      names = "--batch",
      defaultValue = "1000",
      description = "Changes per store write (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--max-tail",
      defaultValue = "1000",
      description =
          "Swap after a catch-up round that started at most this many records behind (default: ${DEFAULT-VALUE}).")
  long maxTail;

  @Option(
      names = "--max-rounds",
      defaultValue = "10",
      description =
          "At most this many rounds (the full replay is the first) before the swap (default: ${DEFAULT-VALUE}).")
  int maxRounds;

  @Option(
      names = "--no-tail-after-swap",
      description =
          "Do not apply the records written between the last round and the swap to the new collection after the swap.")
  boolean noTailAfterSwap;

  @Option(
      names = "--stall-timeout",
      defaultValue = "PT60S",
      description =
          "Fail when the topic yields nothing for this long mid-round (default: ${DEFAULT-VALUE}).")
  Duration stallTimeout;

  @Option(
      names = "--re-embed",
      description =
          "Re-embed every object of the bucket with the current model instead of replaying the topic (not implemented yet).")
  boolean reEmbed;

  @Override
  public Integer call() {
    if (reEmbed) {
      throw new IllegalArgumentException(
          "--re-embed is not implemented yet: re-embedding with a new model goes through the embedder job"
              + " (re-upload or replay the image events with the new model into the topic), then run reindex --model NEW.");
    }
    StoreSettings settings = settings();
    Map<String, Object> consumerProperties = consumerProperties();
    ModelPolicy.OnMismatch on =
        switch (onMismatch.toLowerCase(Locale.ROOT)) {
          case "skip" -> ModelPolicy.OnMismatch.SKIP;
          case "fail" -> ModelPolicy.OnMismatch.FAIL;
          default ->
              throw new IllegalArgumentException(
                  "--on-model-mismatch must be skip or fail, not " + onMismatch);
        };
    System.out.printf(
        "re-index %s (%s) from %s at %s into %s, %d-d, model %s%n",
        alias,
        describe(settings),
        topic,
        bootstrap,
        collection,
        dimension,
        model == null ? "(the first replayed)" : model);
    TopicReindex.Options options =
        new TopicReindex.Options(
            bootstrap,
            topic,
            consumerProperties,
            settings,
            collection,
            model,
            on,
            batch,
            maxTail,
            maxRounds,
            !noTailAfterSwap,
            stallTimeout);
    try {
      TopicReindex.Summary s = TopicReindex.run(options, line -> System.out.println("  " + line));
      System.out.println(s.describe());
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("re-index failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The replay consumer's security settings from the {@code --kafka-*} options; errors name the
   * option.
   */
  Map<String, Object> consumerProperties() {
    Map<String, String> o = new HashMap<>();
    putIfSet(o, KafkaSecurity.USERNAME, kafkaSaslUsername);
    putIfSet(o, KafkaSecurity.PASSWORD, kafkaSaslPassword);
    putIfSet(o, KafkaSecurity.PROTOCOL, kafkaSecurityProtocol);
    putIfSet(o, KafkaSecurity.MECHANISM, kafkaSaslMechanism);
    try {
      return new HashMap<>(KafkaSecurity.fromOptions(o).clientProperties());
    } catch (IllegalArgumentException e) {
      // the option names of this command: kafka.sasl.password → --kafka-sasl-password
      throw new IllegalArgumentException(
          e.getMessage().replaceAll("\\bkafka\\.(sasl|security)\\.(\\w+)", "--kafka-$1-$2"), e);
    }
  }

  private static void putIfSet(Map<String, String> o, String name, String value) {
    if (value != null && !value.isBlank()) {
      o.put(name, value);
    }
  }

  StoreSettings settings() {
    return switch (store.vectorStore) {
      case embedded ->
          StoreSettings.embedded(
              (storePath != null ? storePath : dataDir.resolve("vectors")).toString(),
              alias,
              dimension);
      case milvus -> {
        if (store.needsBundledMilvus()) {
          throw new IllegalArgumentException(
              "--vector-store milvus needs --milvus-uri (e.g. http://127.0.0.1:19530)");
        }
        // STRONG: the row count checked before the swap must see every write.
        yield StoreSettings.milvus(store.milvusUri, milvusToken, alias, dimension, "STRONG");
      }
    };
  }

  private static String describe(StoreSettings s) {
    return s.kind() == StoreSettings.Kind.EMBEDDED
        ? "embedded store " + s.path()
        : "Milvus " + s.milvusUri();
  }
}
