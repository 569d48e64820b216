package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.query.server.QueryServerSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The query API's own process gets the settings the one-JVM stack opens its server with: what the
 * command line and the environment say, parsed back as the server parses them, is the same.
 */
class QueryApiCommandLineTest {
  private static final Path DATA = Path.of("/data/cluster");

  private static LocalStackSettings settings(String store, String milvusUri) {
    return new LocalStackSettings(
        Path.of("/data"), store, milvusUri, 8081, 9092, 9000, "photos", "ak", "the-secret");
  }

  private static QueryServerSettings wired(LocalStackSettings s, Map<String, String> overrides) {
    return StackWiring.queryServer(
            s,
            StackWiring.store(DATA, s, overrides),
            "http://127.0.0.1:9000",
            "127.0.0.1:1,127.0.0.1:2,127.0.0.1:3")
        .withReadOnlyStore();
  }

  private static QueryServerSettings parsedBack(QueryServerSettings s) {
    return QueryServerSettings.fromEnv(
        QueryApiCommandLine.env(s),
        QueryServerSettings.parseFlags(QueryApiCommandLine.args(s).toArray(String[]::new)));
  }

  private static void assertSame(QueryServerSettings parsed, QueryServerSettings wired) {
    assertThat(parsed.toString()).isEqualTo(wired.toString());
    assertThat(parsed.store()).isEqualTo(wired.store());
    assertThat(parsed.s3AccessKey()).isEqualTo(wired.s3AccessKey());
    assertThat(parsed.s3SecretKey()).isEqualTo(wired.s3SecretKey());
    assertThat(parsed.allowAnonymous()).isTrue();
    assertThat(parsed.apiKeys()).isEmpty();
    assertThat(parsed.intraOpThreads()).isEqualTo(wired.intraOpThreads());
    assertThat(parsed.watches()).isEqualTo(wired.watches());
    assertThat(parsed.contentBuckets().names()).containsExactly("photos");
  }

  @Test
  void theEmbeddedStoreIsReadReadOnlyWithTheOneJvmStacksSettings() {
    QueryServerSettings wired = wired(settings("embedded", null), Map.of());
    QueryServerSettings parsed = parsedBack(wired);
    assertSame(parsed, wired);
    assertThat(parsed.storeReadOnly()).isTrue();
    assertThat(parsed.store().path()).isEqualTo(DATA.resolve("vectors").toString());
    assertThat(parsed.httpPort()).isEqualTo(8081);
    assertThat(parsed.watches().bootstrapServers())
        .isEqualTo("127.0.0.1:1,127.0.0.1:2,127.0.0.1:3");
  }

  @Test
  void milvusKeepsItsUriAndTheConsistencyOverride() {
    QueryServerSettings wired =
        wired(settings("milvus", "http://127.0.0.1:19530"), Map.of("milvus.consistency", "STRONG"));
    QueryServerSettings parsed = parsedBack(wired);
    assertSame(parsed, wired);
    assertThat(parsed.store().milvusUri()).isEqualTo("http://127.0.0.1:19530");
    assertThat(parsed.store().consistency()).isEqualTo("STRONG");
  }

  @Test
  void theSecretTravelsInTheEnvironmentNotOnTheCommandLine() {
    QueryServerSettings wired = wired(settings("embedded", null), Map.of());
    assertThat(QueryApiCommandLine.args(wired)).noneMatch(a -> a.contains("the-secret"));
    assertThat(QueryApiCommandLine.env(wired))
        .containsExactly(Map.entry("IMGSEARCH_QUERY_S3_SECRET_KEY", "the-secret"));
  }

  @Test
  void theProcessNeedsARealPort() {
    QueryServerSettings wired = wired(settings("embedded", null), Map.of()).withHttpPort(0);
    assertThatThrownBy(() -> QueryApiCommandLine.args(wired))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a port");
  }
}
