package dev.imgsearch.query.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.InvalidWatchException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class WatchRequestsTest {
  private static final WatchQuery VECTOR = new WatchQuery("m@1", new float[] {1, 0}, 7L);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request as a client's JSON body. */
  private static WatchRequest request(String json) throws IOException {
    return JSON.readValue(json, WatchRequest.class);
  }

  private static WatchRequest threshold(double t) throws IOException {
    return request("{\"threshold\":" + t + "}");
  }

  @Test
  void createFillsDefaultsAndTheQuery() throws Exception {
    Watch w = WatchRequests.create(threshold(0.8), VECTOR, "gen-1", 5);
    assertThat(w.getId()).isEqualTo("gen-1");
    assertThat(w.getName()).isEqualTo("gen-1");
    assertThat(w.getTarget()).isEqualTo(WatchTarget.FRAMES);
    assertThat(w.getVector()).containsExactly(1f, 0f);
    assertThat(w.getPhash()).isEqualTo(7L);
    assertThat(w.getModel()).isEqualTo("m@1");
    assertThat(w.getCooldownMillis()).isEqualTo(60_000);
    assertThat(w.getCreatedAtMillis()).isEqualTo(5);
    assertThat(w.getEnabled()).isTrue();
  }

  @Test
  void aHashAloneMeansNearDuplicates() throws Exception {
    Watch w = WatchRequests.create(threshold(4), new WatchQuery(null, null, 0xffL), "g", 1);
    assertThat(w.getTarget()).isEqualTo(WatchTarget.NEAR_DUPLICATES);
    assertThatThrownBy(
            () ->
                WatchRequests.create(
                    request("{\"target\":\"frames\",\"threshold\":0.5}"),
                    new WatchQuery(null, null, 0xffL),
                    "g",
                    1))
        .isInstanceOf(InvalidWatchException.class)
        .hasMessageContaining("vector");
  }

  @Test
  void updateKeepsWhatTheRequestLeavesOut() throws Exception {
    Watch w = WatchRequests.create(threshold(0.8), VECTOR, "w", 5);
    Watch u =
        WatchRequests.update(
            w,
            request(
                "{\"name\":\"door\",\"sources\":[\"cam\"],\"hoursOfDay\":[9,10],"
                    + "\"timeZone\":\"Europe/Paris\",\"cooldown\":\"PT5S\",\"enabled\":false}"),
            null,
            9);
    assertThat(u.getThreshold()).isEqualTo(0.8);
    assertThat(u.getVector()).containsExactly(1f, 0f);
    assertThat(u.getName()).isEqualTo("door");
    assertThat(u.getSources()).containsExactly("cam");
    assertThat(u.getHoursOfDay()).containsExactly(9, 10);
    assertThat(u.getCooldownMillis()).isEqualTo(5000);
    assertThat(u.getEnabled()).isFalse();
    assertThat(u.getCreatedAtMillis()).isEqualTo(5);
    assertThat(u.getUpdatedAtMillis()).isEqualTo(9);
    assertThatThrownBy(() -> WatchRequests.update(w, request("{\"id\":\"other\"}"), null, 9))
        .hasMessageContaining("cannot change");
  }

  @Test
  void rejectsWithTheFieldNamed() throws Exception {
    assertThatThrownBy(() -> WatchRequests.create(WatchRequest.EMPTY, VECTOR, "g", 1))
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> WatchRequests.create(threshold(-2), VECTOR, "g", 1))
        .hasMessageContaining("-1..1");
    assertThatThrownBy(() -> WatchRequests.cooldown("PT-1S")).hasMessageContaining("negative");
    assertThatThrownBy(() -> WatchRequests.cooldown("soon")).hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> WatchRequests.target("people"))
        .hasMessageContaining("NEAR_DUPLICATES");
    assertThatThrownBy(() -> WatchRequests.checkId("a/b")).hasMessageContaining("watch id");
    assertThatThrownBy(() -> WatchRequests.phash("12345678901234567"))
        .hasMessageContaining("16 hex");
    assertThatThrownBy(
            () ->
                WatchRequests.create(request("{\"name\":\" \",\"threshold\":0.5}"), VECTOR, "g", 1))
        .hasMessageContaining("name");
    assertThatThrownBy(
            () ->
                WatchRequests.create(
                    request("{\"threshold\":0.5,\"sources\":[\"\"]}"), VECTOR, "g", 1))
        .hasMessageContaining("sources");
  }

  private static WatchRequest webhook(String url) throws IOException {
    return request("{\"threshold\":0.8,\"webhook\":\"" + url + "\"}");
  }

  @Test
  void aWebhookIsCheckedAgainstTheAllowListAndAnEmptyOneRemovesIt() throws Exception {
    WebhookSettings hooks =
        new WebhookSettings(
            java.util.Set.of("hooks.example.com"), "k", 3, java.time.Duration.ofSeconds(1));
    Watch w = WatchRequests.create(webhook("https://hooks.example.com/a"), VECTOR, "w", 1, hooks);
    assertThat(w.getWebhook()).isEqualTo("https://hooks.example.com/a");
    assertThat(WatchRequests.update(w, threshold(0.9), null, 2, hooks).getWebhook())
        .as("absent keeps it")
        .isEqualTo("https://hooks.example.com/a");
    assertThat(WatchRequests.update(w, webhook(""), null, 2, hooks).getWebhook()).isNull();
    assertThat(WatchRequests.create(threshold(0.8), VECTOR, "w", 1).getWebhook()).isNull();
    assertThatThrownBy(
            () -> WatchRequests.create(webhook("http://10.0.0.1/"), VECTOR, "w", 1, hooks))
        .isInstanceOf(InvalidWatchException.class)
        .hasMessageContaining("webhooks.allowed-hosts");
    assertThatThrownBy(
            () -> WatchRequests.create(webhook("https://hooks.example.com/a"), VECTOR, "w", 1))
        .as("webhooks off")
        .hasMessageContaining("webhooks are off");
  }

  @Test
  void hashesRoundTripAsHex() {
    assertThat(WatchRequests.phash("ffffffffffffffff")).isEqualTo(-1L);
    assertThat(WatchRequests.hex(-1L)).isEqualTo("ffffffffffffffff");
    assertThat(WatchRequests.hex(WatchRequests.phash("ab"))).isEqualTo("00000000000000ab");
  }
}
