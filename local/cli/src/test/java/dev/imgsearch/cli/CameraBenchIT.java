package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.cli.bench.SyntheticJpegs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imgsearch bench --camera}, small, on the real local stack (embedded store): 60 frames that
 * are 6 scenes of 10 identical frames, replayed by two cameras at 25 fps with gating on. Every
 * frame is counted once by the job, embedded or gated, and repeated frames are gated; every frame
 * is searchable and listed by time, and a search by a labelled frame returns at least its own
 * scene's nine other frames (all within the people's span).
 */
class CameraBenchIT {
  private static final int SCENES = 6;
  private static final int FRAMES_PER_SCENE = 10;

  @TempDir Path tmp;

  @Test
  void aReplayOfTwoCamerasGatesRepeatedFramesAndFindsEveryFrame() throws Exception {
    Path frames = Files.createDirectories(tmp.resolve("frames"));
    for (int i = 0; i < SCENES * FRAMES_PER_SCENE; i++) {
      byte[] scene = SyntheticJpegs.jpeg(500 + i / FRAMES_PER_SCENE, 384, 288);
      Files.write(frames.resolve(String.format(Locale.ROOT, "%04d.jpg", i + 1)), scene);
    }
    Path people = tmp.resolve("persons.csv");
    Files.write(people, List.of("# frame,x,y", "0015,100,100", "0015,200,120", "0045,50,60"));
    Map<String, String> rows =
        BenchCommandIT.bench(
            tmp,
            "camera.md",
            "--camera",
            frames.toString(),
            "--fps",
            "25",
            "--cameras",
            "2",
            "--people",
            people.toString(),
            "--min-people-share",
            "0.45");
    assertThat(rows.get("frames published / send errors / publisher max behind schedule"))
        .startsWith("120 / 0 / ");
    // every frame is counted once, embedded or gated; with gating on, repeated frames are gated.
    // Ideally 12 / 108 (each camera's first frame of a scene embedded); the live job embeds more —
    // 42 / 78 and 27 / 93 in two runs: image events are keyed by image id over 2 partitions, so a
    // camera's frames
    // reach the gate out of capture order, and a late frame is embedded on its own
    // (docs/benchmarks.md, "End to end: raw frames on the local stack")
    Matcher counted =
        Pattern.compile("(\\d+) / (\\d+) \\(.*% gated\\)")
            .matcher(rows.get("frames embedded / gated (job counters)"));
    assertThat(counted.matches()).isTrue();
    int embedded = Integer.parseInt(counted.group(1));
    int gated = Integer.parseInt(counted.group(2));
    assertThat(embedded + gated).isEqualTo(120);
    assertThat(embedded).isGreaterThanOrEqualTo(12);
    assertThat(gated).isPositive();
    assertThat(rows)
        .containsEntry("findable by time: cam-1 (GET /v1/images, paged)", "60 / 60 (1 pages)")
        .containsEntry("findable by time: cam-2 (GET /v1/images, paged)", "60 / 60 (1 pages)");
    // 2 labelled frames × 2 cameras, 20 hits each, at least the 9 other frames of the scene in span
    String search = rows.get("search by a frame with people (k=20, ±20 footage frames)");
    assertThat(search).contains("/ 80 hits").contains("4 queries");
    assertThat(Integer.parseInt(search.substring(0, search.indexOf(' '))))
        .isGreaterThanOrEqualTo(36);
    String[] checks = rows.get("freshness checks (windowed searches) / errors").split(" / ");
    assertThat(Long.parseLong(checks[0])).isPositive();
    assertThat(checks[1]).isEqualTo("0");
  }
}
