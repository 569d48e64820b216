package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.FieldLimits;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ObjectMetadataTest {
  @Test
  void tagsAreSplitTrimmedAndDeduplicated() {
    assertThat(ObjectMetadata.tags(List.of("street, night", "night", " ,rain")))
        .containsExactly("street", "night", "rain");
    assertThat(ObjectMetadata.tags(List.of())).isEmpty();
  }

  @Test
  void tagsTheSearchFilterWouldRejectOrTheStoreCannotHoldAreRefused() {
    assertThatThrownBy(() -> ObjectMetadata.tags(List.of("a'b")))
        .hasMessageContaining("rejected 'a'b'");
    assertThatThrownBy(() -> ObjectMetadata.tags(List.of("straße"))).hasMessageContaining("ASCII");
    assertThatThrownBy(() -> ObjectMetadata.tags(List.of("x".repeat(129))))
        .hasMessageContaining("--tags");
    List<String> many =
        IntStream.range(0, FieldLimits.MAX_TAGS + 1).mapToObj(i -> "t" + i).toList();
    assertThatThrownBy(() -> ObjectMetadata.tags(many))
        .hasMessageContaining("at most " + FieldLimits.MAX_TAGS);
    assertThat(ObjectMetadata.tags(many.subList(0, FieldLimits.MAX_TAGS)))
        .hasSize(FieldLimits.MAX_TAGS);
  }

  @Test
  void sourcesAreKeyPrefixesLikeTheRawFramePathRequires() {
    assertThat(ObjectMetadata.source("cam-1.front_door")).isEqualTo("cam-1.front_door");
    assertThatThrownBy(() -> ObjectMetadata.source("cam/1")).hasMessageContaining("--source");
    assertThatThrownBy(() -> ObjectMetadata.source("")).hasMessageContaining("--source");
  }

  @Test
  void metadataCarriesWhatTheIngestStreamReads() {
    Instant t = Instant.parse("2024-05-01T12:34:56Z");
    assertThat(ObjectMetadata.of("cam-1", t, List.of("a", "b")))
        .containsExactly(
            java.util.Map.entry("source", "cam-1"),
            java.util.Map.entry("captured-at", "2024-05-01T12:34:56Z"),
            java.util.Map.entry("tags", "a,b"));
    assertThat(ObjectMetadata.of("cam-1", t, List.of())).doesNotContainKey("tags");
  }
}
