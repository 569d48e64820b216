package dev.imgsearch.indexer.store;

import dev.imgsearch.schemas.config.ConfigOption;
import dev.imgsearch.schemas.config.ConfigOptions;
import dev.imgsearch.schemas.config.Configuration;
import java.util.List;

/**
 * The vector-store options, declared once for every stage that opens a store (the embedding job's
 * sink, the query API): each stage adds {@link #ALL} to its option registry and reads them back
 * with {@link #settings}.
 */
public final class StoreOptions {
  private StoreOptions() {}

  /** Default of {@code store.collection}. */
  public static final String DEFAULT_COLLECTION = "images";

  /** Default of {@code store.dimension}: the dimension of the bundled model. */
  public static final int DEFAULT_DIMENSION = 576;

  public static final ConfigOption<String> KIND =
      ConfigOptions.key("store.kind")
          .oneOf("milvus", "embedded")
          .defaultValue("milvus")
          .withDescription("vector store: milvus, or embedded (Lucene HNSW on local disk)");
  public static final ConfigOption<String> COLLECTION =
      ConfigOptions.key("store.collection")
          .stringType()
          .defaultValue(DEFAULT_COLLECTION)
          .withDescription("collection (Milvus alias) holding the frame vectors");
  public static final ConfigOption<Integer> DIMENSION =
      ConfigOptions.key("store.dimension")
          .intType()
          .defaultValue(DEFAULT_DIMENSION)
          .withDescription("vector dimension; must match the model");
  public static final ConfigOption<String> PATH =
      ConfigOptions.key("store.path")
          .stringType()
          .noDefaultValue()
          .withDescription("directory of the embedded store (needed with store.kind=embedded)");
  public static final ConfigOption<String> MILVUS_URI =
      ConfigOptions.key("milvus.uri")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Milvus address, e.g. http://milvus:19530 (needed with store.kind=milvus)");
  public static final ConfigOption<String> MILVUS_TOKEN =
      ConfigOptions.key("milvus.token")
          .stringType()
          .noDefaultValue()
          .withDescription("Milvus user:password or API token; none without authentication")
          .secret();
  public static final ConfigOption<String> MILVUS_CONSISTENCY =
      ConfigOptions.key("milvus.consistency")
          .oneOf("STRONG", "BOUNDED", "SESSION", "EVENTUALLY")
          .defaultValue("BOUNDED")
          .withDescription(
              "consistency level of searches; BOUNDED sees writes older than the server's common.gracefulTime without waiting, STRONG every acknowledged write at the cost of a time tick per read");

  public static final List<ConfigOption<?>> ALL =
      List.of(KIND, COLLECTION, DIMENSION, PATH, MILVUS_URI, MILVUS_TOKEN, MILVUS_CONSISTENCY);

  /**
   * The store the options describe.
   *
   * @throws IllegalArgumentException naming the missing option
   */
  public static StoreSettings settings(Configuration c) {
    String collection = c.get(COLLECTION);
    int dimension = c.get(DIMENSION);
    if (dimension < 1) {
      throw new IllegalArgumentException("option store.dimension must be positive: " + dimension);
    }
    return switch (c.get(KIND)) {
      case "embedded" ->
          StoreSettings.embedded(
              c.require(PATH, "needed with store.kind=embedded"), collection, dimension);
      default ->
          StoreSettings.milvus(
              c.require(
                  MILVUS_URI,
                  "needed with store.kind=milvus; env " + c.registry().envName(MILVUS_URI)),
              c.get(MILVUS_TOKEN),
              collection,
              dimension,
              c.get(MILVUS_CONSISTENCY));
    };
  }
}
