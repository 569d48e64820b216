package dev.imgsearch.cli;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of the local stack. Ports set to 0 are picked free (tests); the defaults are the
 * documented ones.
 *
 * @param vectorStore {@code embedded} (Lucene HNSW under the data dir) or {@code milvus} (at {@code
 *     milvusUri})
 */
public record LocalStackSettings(
    Path dataDir,
    String vectorStore,
    String milvusUri,
    int httpPort,
    int kafkaPort,
    int s3Port,
    String bucket,
    String accessKey,
    String secretKey) {
  public static final String DEFAULT_BUCKET = "images";
  public static final String DEFAULT_ACCESS_KEY = "imgsearch";
  public static final String DEFAULT_SECRET_KEY = "imgsearch-secret";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_S3_PORT = 9000;

  /**
   * The vector store of every command that names one ({@code local}, {@code bench}, {@code
   * reindex}).
   */
  public static final String DEFAULT_VECTOR_STORE = "embedded";

  /**
   * The data directory of {@code imgsearch local}, also where {@code reindex} looks for its
   * embedded store.
   */
  public static final String DEFAULT_DATA_DIR = ".imgsearch-data";

  public LocalStackSettings {
    Objects.requireNonNull(dataDir, "data dir");
    if (!vectorStore.equals("embedded") && !vectorStore.equals("milvus")) {
      throw new IllegalArgumentException(
          "--vector-store must be embedded or milvus, not " + vectorStore);
    }
    if (vectorStore.equals("milvus") && (milvusUri == null || milvusUri.isBlank())) {
      throw new IllegalArgumentException(
          "--vector-store milvus needs --milvus-uri (e.g. http://127.0.0.1:19530)");
    }
  }

  /** Defaults for everything but the data dir; all ports free-picked (for tests). */
  public static LocalStackSettings ephemeral(Path dataDir, String vectorStore, String milvusUri) {
    return new LocalStackSettings(
        dataDir,
        vectorStore,
        milvusUri,
        0,
        0,
        0,
        DEFAULT_BUCKET,
        DEFAULT_ACCESS_KEY,
        DEFAULT_SECRET_KEY);
  }
}
