package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void uploadParametersAreEncoded() {
    assertThat(
            WatchCommand.queryString(
                new WatchCommand.Fields(
                    0.9, "front door", "PT30S", List.of("cam 1", "cam2"), null, null)))
        .isEqualTo("threshold=0.9&name=front+door&cooldown=PT30S&source=cam+1&source=cam2");
    assertThat(
            WatchCommand.queryString(
                new WatchCommand.Fields(
                    5,
                    null,
                    null,
                    List.of(),
                    "near_duplicates",
                    "https://hooks.example.com/a?b=c")))
        .isEqualTo(
            "threshold=5.0&target=near_duplicates&webhook=https%3A%2F%2Fhooks.example.com%2Fa%3Fb%3Dc");
  }

  @Test
  void aStoredImageIsAJsonBody() throws Exception {
    var body =
        JSON.readTree(
            WatchCommand.jsonBody(
                "ab",
                new WatchCommand.Fields(
                    0.8, "n", null, List.of("c"), null, "https://hooks.example.com/x")));
    assertThat(body.get("imageId").asText()).isEqualTo("ab");
    assertThat(body.get("threshold").asDouble()).isEqualTo(0.8);
    assertThat(body.get("sources").get(0).asText()).isEqualTo("c");
    assertThat(body.has("cooldown")).isFalse();
    assertThat(body.has("target")).isFalse();
    assertThat(body.get("webhook").asText()).isEqualTo("https://hooks.example.com/x");
  }

  @Test
  void cooldownMustBeIso8601() {
    WatchCommand.checkCooldown("PT30S");
    assertThatThrownBy(() -> WatchCommand.checkCooldown("30s")).hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> WatchCommand.checkCooldown("PT-5S")).hasMessageContaining("negative");
  }

  @Test
  void listsOneLinePerWatch() throws Exception {
    String out =
        WatchCommand.formatList(
            JSON.readTree(
                "{\"watches\":[{\"id\":\"w1\",\"name\":\"door\",\"target\":\"FRAMES\",\"threshold\":0.9,\"cooldown\":\"PT30S\","
                    + "\"sources\":[\"cam\"],\"enabled\":true},{\"id\":\"w2\",\"name\":\"w2\",\"target\":\"NEAR_DUPLICATES\","
                    + "\"threshold\":4.0,\"cooldown\":\"PT1M\",\"sources\":[],\"enabled\":false}],\"count\":2}"));
    assertThat(out.lines())
        .containsExactly(
            "watch w1 \"door\": FRAMES, threshold 0.9, cooldown PT30S, sources [cam]",
            "watch w2 \"w2\": NEAR_DUPLICATES, threshold 4.0, cooldown PT1M (disabled)",
            "2 watches");
  }

  @Test
  void alertsAreOneLine() throws Exception {
    String line =
        AlertsCommand.format(
            JSON.readTree(
                "{\"alertId\":\"x\",\"watchId\":\"w1\",\"watchName\":\"door\",\"imageId\":\"abc\",\"bucket\":\"images\","
                    + "\"key\":\"cam/1.jpg\",\"source\":\"cam\",\"score\":0.96875,\"hammingDistance\":2,"
                    + "\"matchedAt\":\"2026-01-01T00:00:00Z\"}"));
    assertThat(line)
        .isEqualTo(
            "2026-01-01T00:00:00Z  door (w1)  image abc  score 0.9688 distance 2  source cam  images/cam/1.jpg");
  }

  @Test
  void sseLinesBecomeEvents() {
    SseEvents sse = new SseEvents();
    List<SseEvents.Event> events = new ArrayList<>();
    for (String line :
        List.of(
            ": connected",
            "",
            "event: alert",
            "id: a1",
            "data: {\"x\":1}",
            "",
            ": keepalive",
            "",
            "data:two",
            "data: lines",
            "")) {
      SseEvents.Event e = sse.accept(line);
      if (e != null) {
        events.add(e);
      }
    }
    assertThat(events)
        .containsExactly(
            new SseEvents.Event("alert", "a1", "{\"x\":1}"),
            new SseEvents.Event("message", null, "two\nlines"));
  }

  @Test
  void nextReadsUpToTheNextEventOfTheNameAndReturnsNullAtTheEnd() throws Exception {
    java.io.BufferedReader lines =
        new java.io.BufferedReader(
            new java.io.StringReader(
                String.join(
                    "\n",
                    ": connected",
                    "",
                    "data: not an alert",
                    "",
                    "event: alert",
                    "data: {\"x\":1}",
                    "",
                    "event: alert",
                    "data: {\"x\":2}",
                    "",
                    "event: alert",
                    "data: cut off")));
    SseEvents sse = new SseEvents();
    assertThat(sse.next(lines, "alert")).isEqualTo("{\"x\":1}");
    assertThat(sse.next(lines, "alert")).isEqualTo("{\"x\":2}");
    assertThat(sse.next(lines, "alert")).as("the stream ended mid-event").isNull();
  }
}
