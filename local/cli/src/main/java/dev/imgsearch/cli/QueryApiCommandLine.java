package dev.imgsearch.cli;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.query.server.QueryServerSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The query API's settings as the command line of its own process ({@code
 * dev.imgsearch.query.server.QueryServer}, the container entry point): {@code --name value} flags
 * for what the local stacks set ({@link StackWiring#queryServer}) and the S3 secret in the
 * environment ({@code IMGSEARCH_QUERY_S3_SECRET_KEY}), where the server reads secrets and where
 * {@code ps} does not show them. Parsed back by the server, they give the same settings ({@code
 * QueryApiCommandLineTest}). Pure.
 */
final class QueryApiCommandLine {
  static final String MAIN_CLASS = "dev.imgsearch.query.server.QueryServer";

  private QueryApiCommandLine() {}

  /** The flags; the settings' port must be a real one (not 0: the parent must know it). */
  static List<String> args(QueryServerSettings s) {
    if (s.httpPort() <= 0) {
      throw new IllegalArgumentException(
          "the query API's process needs a port, not " + s.httpPort());
    }
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put("http.port", Integer.toString(s.httpPort()));
    StoreSettings store = s.store();
    flags.put("store.kind", store.kind() == StoreSettings.Kind.EMBEDDED ? "embedded" : "milvus");
    flags.put("store.collection", store.collection());
    flags.put("store.dimension", Integer.toString(store.dimension()));
    if (store.kind() == StoreSettings.Kind.EMBEDDED) {
      flags.put("store.path", store.path());
    } else {
      flags.put("milvus.uri", store.milvusUri());
      flags.put("milvus.consistency", store.consistency());
    }
    flags.put("store.read-only", Boolean.toString(s.storeReadOnly()));
    flags.put("model", s.model());
    if (s.s3Endpoint() != null) {
      flags.put("s3.endpoint", s.s3Endpoint());
      flags.put("s3.access-key", s.s3AccessKey());
    }
    flags.put("content.buckets", s.contentBuckets().toString());
    flags.put("allow-anonymous", Boolean.toString(s.allowAnonymous()));
    if (s.watches() != null) {
      flags.put("kafka.bootstrap-servers", s.watches().bootstrapServers());
      flags.put("topic.watches", s.watches().watchesTopic());
      flags.put("topic.alerts", s.watches().alertsTopic());
    }
    List<String> args = new ArrayList<>();
    flags.forEach((name, value) -> args.addAll(List.of("--" + name, value)));
    return args;
  }

  /** The environment variables added to the child's: the secrets. */
  static Map<String, String> env(QueryServerSettings s) {
    Map<String, String> env = new LinkedHashMap<>();
    if (s.s3SecretKey() != null) {
      env.put(QueryServerSettings.envName("s3.secret-key"), s.s3SecretKey());
    }
    if (!s.apiKeys().isBlank()) {
      env.put(QueryServerSettings.envName("api-keys"), s.apiKeys());
    }
    if (!s.store().milvusToken().isEmpty()) {
      env.put(QueryServerSettings.envName("milvus.token"), s.store().milvusToken());
    }
    return env;
  }
}
