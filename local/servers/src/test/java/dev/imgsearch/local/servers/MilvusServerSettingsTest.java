package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The settings a launched Milvus server gets: the defaults, then the operator's overrides. */
class MilvusServerSettingsTest {
  @Test
  void withoutOverridesTheDefaults() {
    assertThat(MilvusServerSettings.merge(Optional.empty()))
        .containsExactlyEntriesOf(new java.util.TreeMap<>(MilvusServerSettings.DEFAULTS));
    assertThat(MilvusServerSettings.DEFAULTS)
        .containsEntry("common.session.ttl", "10")
        .containsEntry("common.gracefulTime", "1000")
        .containsEntry("proxy.timeTickInterval", "100");
  }

  @Test
  void overridesReplaceADefaultAndAddKeys() {
    var settings =
        MilvusServerSettings.merge(
            Optional.of(" common.session.ttl = 30 ,proxy.timeTickInterval=50,, "));
    assertThat(settings)
        .containsEntry("common.session.ttl", "30")
        .containsEntry("proxy.timeTickInterval", "50");
  }

  @Test
  void aPairWithoutKeyOrValueIsRejectedWithThePair() {
    assertThatThrownBy(() -> MilvusServerSettings.merge(Optional.of("proxy.timeTickInterval")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key=value")
        .hasMessageEndingWith(": proxy.timeTickInterval");
    assertThatThrownBy(() -> MilvusServerSettings.merge(Optional.of("=5")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachSettingIsOneExtraConfigArgument() {
    assertThat(
            MilvusServerSettings.arguments(
                MilvusServerSettings.merge(Optional.of("proxy.timeTickInterval=50"))))
        .containsSubsequence("--extra-config", "proxy.timeTickInterval=50")
        .containsSubsequence("--extra-config", "common.session.ttl=10");
  }
}
