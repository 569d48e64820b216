package dev.imgsearch.query.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.watch.InvalidWatchException;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {
  private static final WebhookSettings ON =
      new WebhookSettings(
          Set.of("Hooks.Example.com", "*.corp.example"), "k", 3, Duration.ofSeconds(2));

  @Test
  void anAllowedHttpOrHttpsUrlIsKept() {
    assertThat(ON.check("https://hooks.example.com/a?b=c"))
        .isEqualTo("https://hooks.example.com/a?b=c");
    assertThat(ON.check(" http://HOOKS.example.com:8080/x "))
        .isEqualTo("http://HOOKS.example.com:8080/x");
    assertThat(ON.check("https://alerts.corp.example/x"))
        .isEqualTo("https://alerts.corp.example/x");
    assertThat(ON.check("")).isNull();
    assertThat(ON.check(null)).isNull();
  }

  @Test
  void otherSchemesHostsAndUserInfoAreRefused() {
    assertThatThrownBy(() -> ON.check("ftp://hooks.example.com/x"))
        .isInstanceOf(InvalidWatchException.class)
        .hasMessageContaining("http or https");
    assertThatThrownBy(() -> ON.check("http://169.254.169.254/latest/meta-data"))
        .hasMessageContaining("'169.254.169.254' is not in webhooks.allowed-hosts");
    assertThatThrownBy(() -> ON.check("http://localhost:9092/"))
        .hasMessageContaining("not in webhooks.allowed-hosts");
    assertThatThrownBy(() -> ON.check("https://corp.example/x")).hasMessageContaining("not in");
    assertThatThrownBy(() -> ON.check("https://evilhooks.example.com.attacker.net/"))
        .hasMessageContaining("not in");
    assertThatThrownBy(() -> ON.check("https://u:p@hooks.example.com/"))
        .hasMessageContaining("user info");
    assertThatThrownBy(() -> ON.check("hooks.example.com/x")).hasMessageContaining("http or https");
    assertThatThrownBy(() -> ON.check("https://hooks.example.com/" + "a".repeat(3000)))
        .hasMessageContaining("at most");
    assertThatThrownBy(() -> ON.check("https://hooks.example.com/a b"))
        .hasMessageContaining("not a URL");
  }

  @Test
  void withoutAllowedHostsEveryWebhookIsRefusedNamingTheOption() {
    assertThat(WebhookSettings.OFF.enabled()).isFalse();
    assertThatThrownBy(() -> WebhookSettings.OFF.check("https://hooks.example.com/"))
        .isInstanceOf(InvalidWatchException.class)
        .hasMessageContaining("webhooks are off")
        .hasMessageContaining("webhooks.allowed-hosts");
  }

  @Test
  void invalidSettingsNameTheirOption() {
    assertThatThrownBy(() -> new WebhookSettings(Set.of("h"), "", 3, Duration.ofSeconds(1)))
        .hasMessageContaining("--webhooks.secret");
    assertThatThrownBy(() -> new WebhookSettings(Set.of("http://h"), "k", 3, Duration.ofSeconds(1)))
        .hasMessageContaining("not a host name");
    assertThatThrownBy(() -> new WebhookSettings(Set.of("h"), "k", 0, Duration.ofSeconds(1)))
        .hasMessageContaining("--webhooks.max-attempts");
    assertThatThrownBy(() -> new WebhookSettings(Set.of("h"), "k", 3, Duration.ZERO))
        .hasMessageContaining("--webhooks.timeout");
    assertThat(ON.toString()).doesNotContain("k,").contains("hooks.example.com");
  }
}
