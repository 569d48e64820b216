package dev.imgsearch.query.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.StoreSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryServerSettingsTest {

  @Test
  void flagsWinOverEnvironmentAndSecretsComeFromTheEnvironment() {
    QueryServerSettings s =
        QueryServerSettings.fromEnv(
            Map.of("IMGSEARCH_QUERY_S3_ACCESS_KEY", "ak", "IMGSEARCH_QUERY_S3_SECRET_KEY", "sk",
                "IMGSEARCH_QUERY_HTTP_PORT", "9999", "IMGSEARCH_QUERY_API_KEYS", "k1,k2"),
            QueryServerSettings.parseFlags(
                new String[] {"--http.port", "8081", "--milvus.uri", "http://milvus:19530", "--s3.endpoint", "http://minio:9000",
                    "--presign.expiry", "PT5M"}));
    assertThat(s.httpPort()).isEqualTo(8081);
    assertThat(s.store().kind()).isEqualTo(StoreSettings.Kind.MILVUS);
    assertThat(s.store().dimension()).isEqualTo(576);
    assertThat(s.s3AccessKey()).isEqualTo("ak");
    assertThat(s.apiKeys()).isEqualTo("k1,k2");
    assertThat(s.presignExpiry()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.toString()).doesNotContain("sk").doesNotContain("k1").contains("apiKeys=on");
  }

  @Test
  void missingUnknownAndMalformedOptionsAreNamed() {
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of()))
        .hasMessageContaining("--milvus.uri").hasMessageContaining("IMGSEARCH_QUERY_MILVUS_URI");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "colour", "red")))
        .hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "http.port", "eighty")))
        .hasMessageContaining("--http.port must be an integer");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "s3.endpoint", "http://s3")))
        .hasMessageContaining("--s3.access-key");
    assertThatThrownBy(() -> QueryServerSettings.parseFlags(new String[] {"--http.port"}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void storeTimeoutDefaultsToTenSecondsAndComesFromTheEnvironment() {
    assertThat(QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1")).storeTimeout())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(QueryServerSettings.envName("store.timeout")).isEqualTo("IMGSEARCH_QUERY_STORE_TIMEOUT");
    QueryServerSettings s =
        QueryServerSettings.fromEnv(
            Map.of("IMGSEARCH_QUERY_STORE_TIMEOUT", "PT2.5S", "IMGSEARCH_QUERY_MILVUS_URI", "http://m:1"), Map.of());
    assertThat(s.storeTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.toString()).contains("storeTimeout=PT2.5S");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "store.timeout", "PT0S")))
        .hasMessageContaining("--store.timeout must be a positive duration");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of("milvus.uri", "http://m:1", "store.timeout", "5s")))
        .hasMessageContaining("--store.timeout must be an ISO-8601 duration");
  }

  @Test
  void embeddedStoreNeedsAPath() {
    assertThat(QueryServerSettings.fromMap(Map.of("store.kind", "embedded", "store.path", "/data")).store().path()).isEqualTo("/data");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(Map.of("store.kind", "embedded"))).hasMessageContaining("--store.path");
  }
}
