package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  private static final String KEY_A = "k-aaaaaaaaaaaaaaaaaaaa";
  private static final String KEY_B = "k-bbbbbbbbbbbbbbbbbbbb";

  @Test
  void disabledAcceptsEverything() {
    ApiKeys keys = ApiKeys.disabled();

    assertThat(keys.enabled()).isFalse();
    assertThatCode(() -> keys.check(null)).doesNotThrowAnyException();
    assertThatCode(() -> keys.check("anything")).doesNotThrowAnyException();
  }

  @Test
  void acceptsAnyConfiguredKey() {
    ApiKeys keys = ApiKeys.of(List.of(KEY_A, KEY_B));

    assertThat(keys.enabled()).isTrue();
    assertThatCode(() -> keys.check(KEY_A)).doesNotThrowAnyException();
    assertThatCode(() -> keys.check(" " + KEY_B + " ")).doesNotThrowAnyException();
  }

  @Test
  void missingKeyIs401WrongKeyIs403() {
    ApiKeys keys = ApiKeys.of(List.of(KEY_A));

    for (String missing : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> keys.check(missing))
          .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.status()).isEqualTo(401))
          .hasMessage("send an API key in the X-API-Key header");
    }
    for (String wrong :
        List.of(KEY_B, KEY_A + "x", KEY_A.substring(1), KEY_A.toUpperCase(), "' or 1=1 --")) {
      assertThatThrownBy(() -> keys.check(wrong))
          .isInstanceOfSatisfying(AuthException.class, e -> assertThat(e.status()).isEqualTo(403))
          .hasMessage("the API key is not valid")
          .hasMessageNotContaining(wrong);
    }
  }

  @Test
  void rejectsWeakOrOddKeysAtConfiguration() {
    assertThatThrownBy(() -> ApiKeys.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at least one API key is required (or use ApiKeys.disabled())");
    String rule = "API keys must be at least 16 visible ASCII characters without spaces";
    assertThatThrownBy(() -> ApiKeys.of(List.of("short")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(rule);
    assertThatThrownBy(() -> ApiKeys.of(List.of("with space in the key 123")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(rule);
    assertThatThrownBy(() -> ApiKeys.of(List.of(KEY_A, "tab\tin-the-key-1234")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(rule)
        .hasMessageNotContaining(KEY_A);
  }

  @Test
  void parsesCommaSeparatedListsAndNeverPrintsKeys() {
    assertThat(ApiKeys.parse(null).enabled()).isFalse();
    assertThat(ApiKeys.parse(" ").enabled()).isFalse();
    ApiKeys keys = ApiKeys.parse(KEY_A + ", " + KEY_B + ",");
    assertThatCode(() -> keys.check(KEY_B)).doesNotThrowAnyException();
    assertThat(keys.toString()).contains("2 key(s)").doesNotContain(KEY_A, KEY_B);
  }
}
