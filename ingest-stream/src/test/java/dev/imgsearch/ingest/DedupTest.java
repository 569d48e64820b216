package dev.imgsearch.ingest;

import static dev.imgsearch.ingest.Dedup.Decision.DUPLICATE;
import static dev.imgsearch.ingest.Dedup.Decision.EMIT;
import static dev.imgsearch.ingest.Dedup.Decision.NONCURRENT_DELETE;
import static dev.imgsearch.ingest.Dedup.Decision.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DedupTest {
  private static final Duration TTL = Duration.ofMinutes(10);

  static ImageEvent event(ImageEventType type, String etag, String versionId) {
    return ImageEvent.newBuilder()
        .setImageId("id")
        .setType(type)
        .setBucket("b")
        .setKey("k")
        .setEtag(etag)
        .setVersionId(versionId)
        .setEventTimeMillis(0)
        .build();
  }

  @Test
  void firstSightingEmitsAndTheSameVersionAgainIsADuplicate() {
    ImageEvent put = event(ImageEventType.CREATED, "e1", null);
    assertThat(Dedup.decide(null, put, "A1", 0, TTL)).isEqualTo(EMIT);
    Dedup.State s = Dedup.remember(null, put, "A1", 0);
    assertThat(Dedup.decide(s, put, "A1", 1000, TTL)).isEqualTo(DUPLICATE);
    // the claim-check's own write notified later: same etag, a sequencer where the stored state had
    // none
    Dedup.State fromFrame = Dedup.remember(null, put, null, 0);
    assertThat(Dedup.decide(fromFrame, put, "B7", 1000, TTL)).isEqualTo(DUPLICATE);
  }

  @Test
  void newContentDeletesAndNewVersionsEmit() {
    Dedup.State s = Dedup.remember(null, event(ImageEventType.CREATED, "e1", null), "A1", 0);
    assertThat(Dedup.decide(s, event(ImageEventType.CREATED, "e2", null), "A2", 1, TTL))
        .isEqualTo(EMIT);
    assertThat(Dedup.decide(s, event(ImageEventType.DELETED, null, null), "A2", 1, TTL))
        .isEqualTo(EMIT);
    assertThat(Dedup.decide(s, event(ImageEventType.CREATED, "e1", "v2"), "A2", 1, TTL))
        .isEqualTo(EMIT);
    Dedup.State deleted = Dedup.remember(s, event(ImageEventType.DELETED, null, null), "A2", 1);
    assertThat(Dedup.decide(deleted, event(ImageEventType.CREATED, "e1", null), "A3", 2, TTL))
        .isEqualTo(EMIT);
    assertThat(Dedup.decide(deleted, event(ImageEventType.DELETED, null, null), "A2", 2, TTL))
        .isEqualTo(DUPLICATE);
  }

  @Test
  void aLateOlderNotificationIsStaleSoACreateCannotOvertakeItsDelete() {
    Dedup.State deleted =
        Dedup.remember(null, event(ImageEventType.DELETED, null, null), "1798C1D5F0A0B0C0", 0);
    assertThat(
            Dedup.decide(
                deleted, event(ImageEventType.CREATED, "e1", null), "1798C1D5E1B2F3A4", 1, TTL))
        .isEqualTo(STALE);
  }

  @Test
  void stateExpiresAfterTheTtl() {
    Dedup.State s = Dedup.remember(null, event(ImageEventType.CREATED, "e1", null), "A1", 0);
    assertThat(
            Dedup.decide(
                s, event(ImageEventType.CREATED, "e1", null), "A1", TTL.toMillis() - 1, TTL))
        .isEqualTo(DUPLICATE);
    assertThat(
            Dedup.decide(s, event(ImageEventType.CREATED, "e1", null), "A1", TTL.toMillis(), TTL))
        .isEqualTo(EMIT);
  }

  @Test
  void rememberKeepsTheNewestSequencer() {
    Dedup.State s = Dedup.remember(null, event(ImageEventType.CREATED, "e1", null), "B", 0);
    assertThat(Dedup.remember(s, event(ImageEventType.CREATED, "e2", null), null, 1).sequencer())
        .isEqualTo("B");
    assertThat(Dedup.remember(s, event(ImageEventType.CREATED, "e2", null), "C", 1).sequencer())
        .isEqualTo("C");
  }

  @Test
  void sequencersCompareAsHexNumbers() {
    assertThat(Dedup.compareSequencers("FF", "100")).isNegative();
    assertThat(Dedup.compareSequencers("00000000000000FF", "FF")).isZero();
    assertThat(Dedup.compareSequencers("1798C1D5E1B2F3A4", "1798c1d5f0a0b0c0")).isNegative();
    assertThat(Dedup.compareSequencers("B", "A")).isPositive();
  }

  @Test
  void stateSerdeRoundTrips() {
    var serde = Dedup.stateSerde();
    for (Dedup.State s :
        new Dedup.State[] {
          new Dedup.State("CREATED", "e", "v", "S", 42),
          new Dedup.State("DELETED", null, null, null, -1)
        }) {
      assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", s)))
          .isEqualTo(s);
    }
  }

  // --- versioned buckets: which delete removes the live image ---

  @Test
  void deletingANoncurrentVersionLeavesTheLiveImage() {
    Dedup.State v2 = Dedup.remember(null, event(ImageEventType.CREATED, "e2", "v2"), "A2", 0);
    assertThat(Dedup.decide(v2, event(ImageEventType.DELETED, null, "v1"), "A3", 1, TTL, true))
        .isEqualTo(NONCURRENT_DELETE);
    // the live version itself, an unversioned delete, a delete marker (not a version delete): the
    // image goes
    assertThat(Dedup.decide(v2, event(ImageEventType.DELETED, null, "v2"), "A3", 1, TTL, true))
        .isEqualTo(EMIT);
    assertThat(Dedup.decide(v2, event(ImageEventType.DELETED, null, null), "A3", 1, TTL, false))
        .isEqualTo(EMIT);
    assertThat(Dedup.decide(v2, event(ImageEventType.DELETED, null, "marker"), "A3", 1, TTL, false))
        .isEqualTo(EMIT);
    // no live version known (never seen, or unversioned, or already deleted): the delete goes
    // through
    assertThat(Dedup.decide(null, event(ImageEventType.DELETED, null, "v1"), "A3", 1, TTL, true))
        .isEqualTo(EMIT);
    Dedup.State unversioned =
        Dedup.remember(null, event(ImageEventType.CREATED, "e1", null), "A1", 0);
    assertThat(
            Dedup.decide(
                unversioned, event(ImageEventType.DELETED, null, "v1"), "A3", 1, TTL, true))
        .isEqualTo(EMIT);
    // S3's "null" version id is the unversioned one
    Dedup.State nullVersion =
        Dedup.remember(null, event(ImageEventType.CREATED, "e1", "null"), "A1", 0);
    assertThat(
            Dedup.decide(
                nullVersion, event(ImageEventType.DELETED, null, "null"), "A3", 1, TTL, true))
        .isEqualTo(EMIT);
  }

  @Test
  void theLiveVersionOutlivesTheTtlButOtherStateDoesNot() {
    Dedup.State v2 = Dedup.remember(null, event(ImageEventType.CREATED, "e2", "v2"), "A2", 0);
    long later = TTL.toMillis() * 100;
    assertThat(Dedup.decide(v2, event(ImageEventType.DELETED, null, "v1"), "A3", later, TTL, true))
        .isEqualTo(NONCURRENT_DELETE);
    assertThat(Dedup.purgeable(v2, later, TTL)).isFalse();
    assertThat(Dedup.purgeable(v2, 1, TTL)).isFalse();
    assertThat(
            Dedup.purgeable(
                Dedup.remember(null, event(ImageEventType.CREATED, "e1", null), "A1", 0),
                later,
                TTL))
        .isTrue();
    assertThat(
            Dedup.purgeable(
                Dedup.remember(v2, event(ImageEventType.DELETED, null, "v2"), "A4", 0), later, TTL))
        .isTrue();
  }
}
