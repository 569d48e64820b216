package dev.imgsearch.embedder.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.avro.WatchTarget;
import dev.imgsearch.schemas.watch.CompiledWatch;
import dev.imgsearch.schemas.watch.InvalidWatchException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledWatchTest {

  @Test
  void normalisesTheQueryVector() {
    CompiledWatch w = CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 3f, 4f).build());
    assertThat(w.vector()).containsExactly(0.6f, 0.8f);
    assertThat(w.target()).isEqualTo(WatchTarget.FRAMES);
    assertThat(w.cooldownMillis()).isEqualTo(60_000L);
  }

  @Test
  void rejectsWatchesThatCouldNeverMatchCorrectly() {
    assertThatThrownBy(() -> CompiledWatch.of(Watches.frames("w", "m@1", 0.9).build()))
        .isInstanceOf(InvalidWatchException.class)
        .hasMessageContaining("non-empty vector");
    assertThatThrownBy(() -> CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 0f, 0f).build()))
        .hasMessageContaining("all zeros");
    assertThatThrownBy(
            () -> CompiledWatch.of(Watches.frames("w", "m@1", 0.9, Float.NaN, 1f).build()))
        .hasMessageContaining("not finite");
    assertThatThrownBy(() -> CompiledWatch.of(Watches.frames("w", null, 0.9, 1f).build()))
        .hasMessageContaining("model");
    assertThatThrownBy(() -> CompiledWatch.of(Watches.frames("w", "m@1", 1.5, 1f).build()))
        .hasMessageContaining("cosine similarity");
    assertThatThrownBy(() -> CompiledWatch.of(Watches.nearDuplicates("w", 1L, 65).build()))
        .hasMessageContaining("Hamming distance");
    assertThatThrownBy(
            () -> CompiledWatch.of(Watches.nearDuplicates("w", 1L, 5).setPhash(null).build()))
        .hasMessageContaining("needs a phash");
    assertThatThrownBy(
            () ->
                CompiledWatch.of(
                    Watches.frames("w", "m@1", 0.9, 1f).setHoursOfDay(List.of(24)).build()))
        .hasMessageContaining("0..23");
    assertThatThrownBy(
            () ->
                CompiledWatch.of(
                    Watches.frames("w", "m@1", 0.9, 1f).setTimeZone("Mars/Base").build()))
        .hasMessageContaining("time zone");
    assertThatThrownBy(() -> CompiledWatch.of(Watches.frames("", "m@1", 0.9, 1f).build()))
        .hasMessageContaining("id");
    assertThatThrownBy(
            () ->
                CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 1f).setCooldownMillis(-1).build()))
        .hasMessageContaining("cooldown");
  }

  @Test
  void filtersBySourceHourAndEnabled() {
    long at0930Utc = Instant.parse("2026-12-05T09:30:00Z").toEpochMilli();
    CompiledWatch all = CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 1f).build());
    assertThat(all.admits(null, at0930Utc)).isTrue();

    CompiledWatch door =
        CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 1f).setSources(List.of("door")).build());
    assertThat(door.admits("door", at0930Utc)).isTrue();
    assertThat(door.admits("yard", at0930Utc)).isFalse();
    assertThat(door.admits(null, at0930Utc)).isFalse();

    CompiledWatch nine =
        CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 1f).setHoursOfDay(List.of(9)).build());
    assertThat(nine.admits("x", at0930Utc)).isTrue();
    assertThat(nine.admits("x", at0930Utc + 3_600_000L)).isFalse();
    // 09:30 UTC is 10:30 in Paris in winter
    CompiledWatch paris =
        CompiledWatch.of(
            Watches.frames("w", "m@1", 0.9, 1f)
                .setHoursOfDay(List.of(10))
                .setTimeZone("Europe/Paris")
                .build());
    assertThat(paris.admits("x", at0930Utc)).isTrue();

    CompiledWatch off =
        CompiledWatch.of(Watches.frames("w", "m@1", 0.9, 1f).setEnabled(false).build());
    assertThat(off.admits("x", at0930Utc)).isFalse();
  }

  @Test
  void onlyAnObjectWatchWithClassesFiltersByLabel() {
    CompiledWatch cars =
        CompiledWatch.of(
            Watches.frames("w", "m@1", 0.9, 1f)
                .setTarget(WatchTarget.OBJECTS)
                .setClasses(List.of("car", "truck"))
                .build());
    assertThat(cars.admitsLabel("car")).isTrue();
    assertThat(cars.admitsLabel("person")).isFalse();
    assertThat(
            CompiledWatch.of(
                    Watches.frames("w", "m@1", 0.9, 1f).setTarget(WatchTarget.OBJECTS).build())
                .admitsLabel("person"))
        .isTrue();
    CompiledWatch faces =
        CompiledWatch.of(
            Watches.frames("w", "m@1", 0.9, 1f)
                .setTarget(WatchTarget.FACES)
                .setClasses(List.of("car"))
                .build());
    assertThat(faces.admitsLabel("face")).isTrue();
  }
}
