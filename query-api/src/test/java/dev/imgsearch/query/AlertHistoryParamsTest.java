package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.query.watch.AlertCursor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertHistoryParamsTest {
  private static AlertHistoryParams of(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return AlertHistoryParams.of(m::get);
  }

  @Test
  void defaultsAndValues() {
    assertThat(of()).isEqualTo(new AlertHistoryParams(20, null, null, null));
    AlertCursor c = new AlertCursor(1_000, "pre:img-1");
    assertThat(
            of(
                "limit", "100",
                "before", c.encode(),
                "since", "1970-01-01T00:00:01Z",
                "until", " 2500 "))
        .isEqualTo(new AlertHistoryParams(100, c, 1_000L, 2_500L));
    assertThat(of("since", "-5").since()).isEqualTo(-5L);
  }

  @Test
  void everyBadValueIsA400NamingItsParameter() {
    Map<String[], String> bad = new java.util.LinkedHashMap<>();
    bad.put(new String[] {"limit", "0"}, "limit must be 1..100");
    bad.put(new String[] {"limit", "101"}, "limit must be 1..100");
    bad.put(new String[] {"before", "%%%"}, "before must be the nextCursor of a previous page");
    bad.put(new String[] {"since", "yesterday"}, "since must be epoch milliseconds or an ISO-8601");
    bad.put(new String[] {"until", "99999999999999999999"}, "until must be epoch milliseconds");
    bad.put(new String[] {"since", "2000", "until", "2000"}, "since must be before until");
    bad.forEach(
        (kv, message) ->
            assertThatThrownBy(() -> of(kv))
                .isInstanceOfSatisfying(
                    InvalidQueryException.class,
                    e -> assertThat(e.code()).isEqualTo(InvalidQueryException.INVALID_PARAMETER))
                .hasMessageContaining(message));
  }
}
