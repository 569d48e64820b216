package dev.imgsearch.query.server;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.query.QueryService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the standalone query API ({@link QueryServer}). Options come as {@code --name value} flags; each may
 * also come from the environment as {@code IMGSEARCH_QUERY_<NAME>} (upper case, '.' and '-' as '_'), flags winning —
 * secrets (S3 keys, Milvus token, API keys) are meant for the environment.
 */
public record QueryServerSettings(
    int httpPort,
    StoreSettings store,
    String model,
    int intraOpThreads,
    String s3Endpoint,
    String s3AccessKey,
    String s3SecretKey,
    String apiKeys,
    long maxBodyBytes,
    Duration readinessTimeout,
    Duration presignExpiry,
    Duration storeTimeout) {

  /** Every option name the server reads. */
  public static final Set<String> OPTIONS =
      Set.of("http.port", "store.kind", "store.collection", "store.dimension", "store.path", "milvus.uri",
          "milvus.token", "milvus.consistency", "model", "onnx.intra-op-threads", "s3.endpoint", "s3.access-key",
          "s3.secret-key", "api-keys", "max-body-bytes", "readiness.timeout", "presign.expiry", "store.timeout");

  public static String envName(String option) {
    return "IMGSEARCH_QUERY_" + option.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Flags over environment; unknown flags and missing required options fail with the option's name. */
  public static QueryServerSettings fromEnv(Map<String, String> env, Map<String, String> flags) {
    Map<String, String> m = new HashMap<>();
    for (String option : OPTIONS) {
      String v = env.get(envName(option));
      if (v != null && !v.isBlank()) {
        m.put(option, v);
      }
    }
    m.putAll(flags);
    return fromMap(m);
  }

  public static QueryServerSettings fromMap(Map<String, String> m) {
    for (String name : m.keySet()) {
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + new java.util.TreeSet<>(OPTIONS));
      }
    }
    String kind = m.getOrDefault("store.kind", "milvus");
    String collection = m.getOrDefault("store.collection", "images");
    int dimension = intOption(m, "store.dimension", 576);
    StoreSettings store =
        switch (kind) {
          case "embedded" -> StoreSettings.embedded(required(m, "store.path"), collection, dimension);
          case "milvus" ->
              StoreSettings.milvus(
                  required(m, "milvus.uri"), m.get("milvus.token"), collection, dimension,
                  m.getOrDefault("milvus.consistency", "BOUNDED"));
          default -> throw new IllegalArgumentException("--store.kind must be embedded or milvus, not " + kind);
        };
    String s3 = m.get("s3.endpoint");
    if (s3 != null && (m.get("s3.access-key") == null || m.get("s3.secret-key") == null)) {
      throw new IllegalArgumentException("--s3.endpoint needs --s3.access-key and --s3.secret-key (or their env vars)");
    }
    Duration storeTimeout = duration(m, "store.timeout", QueryService.DEFAULT_STORE_TIMEOUT.toString());
    if (storeTimeout.isNegative() || storeTimeout.isZero()) {
      throw new IllegalArgumentException("--store.timeout must be a positive duration, got " + storeTimeout);
    }
    return new QueryServerSettings(
        intOption(m, "http.port", 8080),
        store,
        m.getOrDefault("model", "nsfwjs-mobilenetv2-b13"),
        intOption(m, "onnx.intra-op-threads", 0),
        s3,
        m.get("s3.access-key"),
        m.get("s3.secret-key"),
        m.getOrDefault("api-keys", ""),
        Long.parseLong(m.getOrDefault("max-body-bytes", Long.toString(20L << 20))),
        duration(m, "readiness.timeout", "PT2S"),
        duration(m, "presign.expiry", "PT15M"),
        storeTimeout);
  }

  /** Parses {@code --name value} pairs. */
  public static Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got: " + args[i]);
      }
      flags.put(args[i].substring(2), args[++i]);
    }
    return flags;
  }

  /** The settings as text with secrets masked, for the start-up log. */
  @Override
  public String toString() {
    return "QueryServerSettings[httpPort=" + httpPort + ", store=" + store.kind() + ":" + store.collection() + "/"
        + store.dimension() + ", model=" + model + ", s3Endpoint=" + s3Endpoint + ", apiKeys="
        + (apiKeys.isBlank() ? "off" : "on") + ", maxBodyBytes=" + maxBodyBytes + ", readinessTimeout="
        + readinessTimeout + ", presignExpiry=" + presignExpiry + ", storeTimeout=" + storeTimeout + "]";
  }

  private static String required(Map<String, String> m, String name) {
    String v = m.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("missing required option --" + name + " (or env " + envName(name) + ")");
    }
    return v;
  }

  private static int intOption(Map<String, String> m, String name, int dflt) {
    try {
      return Integer.parseInt(m.getOrDefault(name, Integer.toString(dflt)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer", e);
    }
  }

  private static Duration duration(Map<String, String> m, String name, String dflt) {
    try {
      return Duration.parse(m.getOrDefault(name, dflt));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("--" + name + " must be an ISO-8601 duration such as PT2S", e);
    }
  }
}
