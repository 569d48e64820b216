package dev.imgsearch.query.server;

import static dev.imgsearch.query.server.TestSettings.anonymous;
import static dev.imgsearch.query.server.TestSettings.anonymousWithS3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.query.AllowedBuckets;
import dev.imgsearch.query.QueryApiOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class QueryServerSettingsTest {

  private static final String KEY_1 = "key-one-0123456789";
  private static final String KEY_2 = "key-two-0123456789";

  @Test
  void blankApiKeysWithoutTheOptOutFailStartUpNamingTheOption() {
    for (Map<String, String> m :
        List.of(
            Map.of("milvus.uri", "http://m:1"),
            Map.of("milvus.uri", "http://m:1", "api-keys", " "),
            Map.of("milvus.uri", "http://m:1", "allow-anonymous", "false"))) {
      assertThatThrownBy(() -> QueryServerSettings.fromMap(m))
          .as(m.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--api-keys")
          .hasMessageContaining("IMGSEARCH_QUERY_API_KEYS")
          .hasMessageContaining("--allow-anonymous true")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    QueryServerSettings open = QueryServerSettings.fromMap(anonymous("milvus.uri", "http://m:1"));
    assertThat(open.allowAnonymous()).isTrue();
    assertThat(open.toString()).contains("apiKeys=off (anonymous access)");
    assertThat(QueryServer.options(open).anonymous()).isTrue();
    assertThat(QueryServer.options(open).apiKeys().enabled()).isFalse();

    QueryServerSettings keyed =
        QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "api-keys", KEY_1));
    assertThat(QueryServer.options(keyed).apiKeys().enabled()).isTrue();
    assertThat(QueryServer.options(keyed).anonymous()).isFalse();
  }

  @Test
  void keysAndTheOptOutTogetherOrMalformedKeysAreRefused() {
    assertThatThrownBy(
            () ->
                QueryServerSettings.fromMap(
                    Map.of(
                        "milvus.uri", "http://m:1", "api-keys", KEY_1, "allow-anonymous", "true")))
        .hasMessageContaining("contradicts");
    assertThatThrownBy(
            () ->
                QueryServerSettings.fromMap(
                    Map.of("milvus.uri", "http://m:1", "api-keys", "short")))
        .hasMessageContaining("--api-keys")
        .hasMessageContaining("at least 16");
    assertThatThrownBy(
            () ->
                QueryServerSettings.fromMap(
                    Map.of("milvus.uri", "http://m:1", "allow-anonymous", "yes")))
        .hasMessageContaining("option allow-anonymous: expected boolean");
  }

  @Test
  void contentBucketsDefaultToImagesAndAreValidated() {
    assertThat(
            QueryServerSettings.fromMap(anonymous("milvus.uri", "http://m:1"))
                .contentBuckets()
                .names())
        .containsExactly("images");
    assertThat(
            QueryServerSettings.fromMap(
                    anonymous("milvus.uri", "http://m:1", "content.buckets", "images,archive"))
                .contentBuckets()
                .names())
        .containsExactly("archive", "images");
    assertRejected("content.buckets", "*").hasMessageContaining("--content.buckets");
  }

  @Test
  void publicEndpointNeedsTheInternalOneAndIsAHost() {
    Map<String, String> s3 =
        anonymousWithS3("http://minio:9000", "ak", "sk", "https://images.example.com");
    assertThat(QueryServerSettings.fromMap(s3).s3PublicEndpoint())
        .isEqualTo("https://images.example.com");
    assertThat(
            QueryServerSettings.fromMap(anonymous("milvus.uri", "http://m:1")).s3PublicEndpoint())
        .isNull();
    assertRejected("s3.public-endpoint", "https://x.test")
        .hasMessageContaining("--s3.public-endpoint needs --s3.endpoint");
    Map<String, String> withPath = new HashMap<>(s3);
    withPath.put("s3.public-endpoint", "https://x.test/bucket?x=1");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(withPath))
        .hasMessageContaining("scheme and host");
  }

  @Test
  void abuseLimitsHaveDefaultsAndAreValidated() {
    QueryServerSettings d = QueryServerSettings.fromMap(anonymous("milvus.uri", "http://m:1"));
    assertThat(d.maxConcurrentDecodes()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(d.decodeWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(d.minRequestDataRate()).isEqualTo(4096);
    assertThat(d.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.maxThreads()).isEqualTo(400);

    QueryServerSettings s =
        QueryServerSettings.fromEnv(
            Map.of(
                "IMGSEARCH_QUERY_MAX_CONCURRENT_DECODES",
                "3",
                "IMGSEARCH_QUERY_DECODE_WAIT",
                "PT0.5S",
                "IMGSEARCH_QUERY_HTTP_MIN_REQUEST_DATA_RATE",
                "1000",
                "IMGSEARCH_QUERY_HTTP_IDLE_TIMEOUT",
                "PT10S",
                "IMGSEARCH_QUERY_HTTP_MAX_THREADS",
                "64"),
            anonymous("milvus.uri", "http://m:1"));
    assertThat(QueryServer.options(s))
        .satisfies(
            o -> {
              assertThat(o.maxConcurrentDecodes()).isEqualTo(3);
              assertThat(o.decodeWait()).isEqualTo(Duration.ofMillis(500));
              assertThat(o.minRequestDataRate()).isEqualTo(1000);
              assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(10));
              assertThat(o.maxThreads()).isEqualTo(64);
            });
    assertRejected("max-concurrent-decodes", "0")
        .hasMessageContaining("--max-concurrent-decodes")
        .hasMessageContaining("at least 1");
    assertRejected("http.max-threads", "4")
        .hasMessageContaining("--http.max-threads")
        .hasMessageContaining("at least 32");
    assertRejected("http.idle-timeout", "PT0S")
        .hasMessageContaining("--http.idle-timeout")
        .hasMessageContaining("positive");
  }

  @Test
  void flagsWinOverEnvironmentAndSecretsComeFromTheEnvironment() {
    QueryServerSettings s =
        QueryServerSettings.fromEnv(
            Map.of(
                "IMGSEARCH_QUERY_S3_ACCESS_KEY",
                "ak",
                "IMGSEARCH_QUERY_S3_SECRET_KEY",
                "sk",
                "IMGSEARCH_QUERY_HTTP_PORT",
                "9999",
                "IMGSEARCH_QUERY_API_KEYS",
                KEY_1 + "," + KEY_2),
            QueryServerSettings.parseFlags(
                new String[] {
                  "--http.port",
                  "8081",
                  "--milvus.uri",
                  "http://milvus:19530",
                  "--s3.endpoint",
                  "http://minio:9000",
                  "--presign.expiry",
                  "PT5M"
                }));
    assertThat(s.httpPort()).isEqualTo(8081);
    assertThat(s.store().kind()).isEqualTo(StoreSettings.Kind.MILVUS);
    assertThat(s.store().dimension()).isEqualTo(576);
    assertThat(s.s3AccessKey()).isEqualTo("ak");
    assertThat(s.apiKeys()).isEqualTo(KEY_1 + "," + KEY_2);
    assertThat(s.presignExpiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.toString()).doesNotContain("sk").doesNotContain(KEY_1).contains("apiKeys=on");
  }

  @Test
  void missingUnknownAndMalformedOptionsAreNamed() {
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of()))
        .hasMessageContaining("missing required option milvus.uri")
        .hasMessageContaining("IMGSEARCH_QUERY_MILVUS_URI");
    assertRejected("colour", "red").hasMessageContaining("unknown option colour");
    assertRejected("http.port", "eighty")
        .hasMessageContaining("option http.port: expected int, got 'eighty'");
    assertRejected("s3.endpoint", "http://s3").hasMessageContaining("--s3.access-key");
    assertThatThrownBy(() -> QueryServerSettings.parseFlags(new String[] {"--http.port"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected --name value pairs, got: --http.port");
  }

  @Test
  void storeTimeoutDefaultsToTenSecondsAndComesFromTheEnvironment() {
    assertThat(QueryServerSettings.fromMap(anonymous("milvus.uri", "http://m:1")).storeTimeout())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(QueryServerSettings.envName("store.timeout"))
        .isEqualTo("IMGSEARCH_QUERY_STORE_TIMEOUT");
    QueryServerSettings s =
        QueryServerSettings.fromEnv(
            Map.of(
                "IMGSEARCH_QUERY_STORE_TIMEOUT",
                "PT2.5S",
                "IMGSEARCH_QUERY_MILVUS_URI",
                "http://m:1",
                "IMGSEARCH_QUERY_ALLOW_ANONYMOUS",
                "true"),
            Map.of());
    assertThat(s.storeTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.toString()).contains("storeTimeout=PT2.5S");
    assertRejected("store.timeout", "PT0S")
        .hasMessageContaining("--store.timeout must be a positive duration");
    assertRejected("store.timeout", "5 parsecs")
        .hasMessageContaining("option store.timeout: expected duration");
  }

  @Test
  void embeddedStoreNeedsAPath() {
    assertThat(
            QueryServerSettings.fromMap(anonymous("store.kind", "embedded", "store.path", "/data"))
                .store()
                .path())
        .isEqualTo("/data");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(anonymous("store.kind", "embedded")))
        .hasMessageContaining("missing required option store.path");
  }

  @Test
  void typedDefaultsAreTheParsedDefaults() {
    StoreSettings store = StoreSettings.milvus("http://m:1", null, "images", 576, "BOUNDED");
    QueryServerSettings parsed = QueryServerSettings.fromMap(anonymous("milvus.uri", "http://m:1"));

    assertThat(QueryServerSettings.defaults(store).withAnonymousAccess())
        .usingRecursiveComparison()
        .isEqualTo(parsed);
    assertThat(QueryServerSettings.defaults(store).allowAnonymous()).isFalse();
    assertThat(QueryServerSettings.defaults(store).apiKeys()).isEmpty();
  }

  @Test
  void typedSettingsForTheLocalStack() {
    StoreSettings store =
        StoreSettings.embedded("/data/vectors", "images", QueryServerSettings.DEFAULT_DIMENSION);
    QueryServerSettings local =
        QueryServerSettings.defaults(store)
            .withHttpPort(0)
            .withObjectStore("http://127.0.0.1:9000", "access-key", "secret-key")
            .withContentBuckets(AllowedBuckets.parse("photos"))
            .withAnonymousAccess();

    assertThat(local.httpPort()).isZero();
    assertThat(local.store()).isEqualTo(store);
    assertThat(local.s3Endpoint()).isEqualTo("http://127.0.0.1:9000");
    assertThat(local.s3AccessKey()).isEqualTo("access-key");
    assertThat(local.s3SecretKey()).isEqualTo("secret-key");
    assertThat(local.s3PublicEndpoint()).isNull();
    assertThat(local.contentBuckets().names()).containsExactly("photos");
    assertThat(local.allowAnonymous()).isTrue();
    assertThat(local.toString())
        .contains("apiKeys=off (anonymous access)")
        .doesNotContain("secret-key");
    // the HTTP layer gets exactly the library defaults with the opt-out
    assertThat(QueryServer.options(local))
        .isEqualTo(QueryApiOptions.defaults().withAnonymousAccess());
  }

  @Test
  void theAnonymousOptOutContradictsKeys() {
    QueryServerSettings keyed =
        QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "api-keys", KEY_1));

    assertThatThrownBy(keyed::withAnonymousAccess)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("anonymous access contradicts the configured API keys: set one of them");
  }

  /** Asserts that Milvus settings with anonymous access and {@code options} are refused. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String... options) {
    String[] all = new String[options.length + 2];
    all[0] = "milvus.uri";
    all[1] = "http://m:1";
    System.arraycopy(options, 0, all, 2, options.length);
    return assertThatThrownBy(() -> QueryServerSettings.fromMap(anonymous(all)));
  }
}
