package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryApiOptionsTest {

  @Test
  void defaultsFailClosedUntilKeysOrTheAnonymousOptOut() {
    assertThatThrownBy(() -> QueryApiOptions.defaults().checkAuthentication())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("withApiKeys")
        .hasMessageContaining("withAnonymousAccess");
    assertThatCode(() -> QueryApiOptions.defaults().withAnonymousAccess().checkAuthentication())
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                QueryApiOptions.defaults()
                    .withApiKeys(ApiKeys.of(List.of("k-0123456789abcdef")))
                    .checkAuthentication())
        .doesNotThrowAnyException();
  }

  @Test
  void theRoutingRefusesToBeBuiltWithoutAuthenticationDecided() {
    try (QueryService service =
        QueryService.builder(
                new TestImageEmbedder(1024), new TestVectorStore(TestImageEmbedder.DIMENSION))
            .build()) {
      assertThatThrownBy(
              () ->
                  QueryApi.create(
                      service,
                      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                      QueryApiOptions.defaults()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no API keys configured");
    }
  }

  @Test
  void abuseLimitDefaults() {
    QueryApiOptions o = QueryApiOptions.defaults();
    assertThat(o.maxConcurrentDecodes()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(o.decodeWait()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.minRequestDataRate()).isEqualTo(4096);
    assertThat(o.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.maxThreads()).isEqualTo(400);
    assertThat(o.anonymous()).isFalse();
  }

  @Test
  void rejectsNonsenseLimits() {
    QueryApiOptions o = QueryApiOptions.defaults();
    assertThatThrownBy(() -> o.withDecodeLimit(0, Duration.ZERO))
        .hasMessageContaining("maxConcurrentDecodes");
    assertThatThrownBy(() -> o.withDecodeLimit(1, Duration.ofSeconds(-1)))
        .hasMessageContaining("decodeWait");
    assertThatThrownBy(() -> o.withMinRequestDataRate(-1))
        .hasMessageContaining("minRequestDataRate");
    assertThatThrownBy(() -> o.withIdleTimeout(Duration.ZERO)).hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> o.withMaxThreads(8)).hasMessageContaining("maxThreads");
    assertThat(o.withMinRequestDataRate(0).minRequestDataRate())
        .as("0 turns the check off")
        .isZero();
  }
}
