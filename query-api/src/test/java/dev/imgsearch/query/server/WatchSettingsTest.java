package dev.imgsearch.query.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WatchSettingsTest {
  private static Map<String, String> base() {
    Map<String, String> m = new HashMap<>();
    m.put("allow-anonymous", "true");
    m.put("store.kind", "embedded");
    m.put("store.path", "target/x");
    return m;
  }

  @Test
  void offWithoutBootstrapServers() {
    assertThat(QueryServerSettings.fromMap(base()).watches()).isNull();
  }

  @Test
  void topicsDefaultToTheJobsAndSecurityIsRead() {
    Map<String, String> m = base();
    m.put("kafka.bootstrap-servers", "k:9092");
    m.put("kafka.sasl.username", "query-api");
    m.put("kafka.sasl.password", "pw");
    WatchSettings w = QueryServerSettings.fromMap(m).watches();
    assertThat(w.watchesTopic()).isEqualTo("imgsearch.watches");
    assertThat(w.alertsTopic()).isEqualTo("imgsearch.alerts");
    assertThat(w.alertHistoryPerWatch()).isEqualTo(1000);
    assertThat(w.clientProperties())
        .containsEntry("bootstrap.servers", "k:9092")
        .containsEntry("security.protocol", "SASL_PLAINTEXT");
    assertThat(QueryServerSettings.fromMap(m).toString()).doesNotContain("pw");
  }

  @Test
  void rejectsContradictions() {
    Map<String, String> m = base();
    m.put("kafka.sasl.username", "u");
    m.put("kafka.sasl.password", "p");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(m))
        .hasMessageContaining("kafka.bootstrap-servers");
    Map<String, String> same = base();
    same.put("kafka.bootstrap-servers", "k:9092");
    same.put("topic.alerts", "imgsearch.watches");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(same))
        .hasMessageContaining("two different topics");
  }

  @Test
  void theAlertHistoryBoundIsAnOption() {
    Map<String, String> m = base();
    m.put("kafka.bootstrap-servers", "k:9092");
    m.put("alerts.history-per-watch", "5000");
    assertThat(QueryServerSettings.fromMap(m).watches().alertHistoryPerWatch()).isEqualTo(5000);
    m.put("alerts.history-per-watch", "0");
    assertThatThrownBy(() -> QueryServerSettings.fromMap(m))
        .hasMessageContaining("--alerts.history-per-watch must be ≥ 1, got 0");
  }
}
