package dev.imgsearch.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class BenchMathTest {
  @Test
  void nearestRankPercentiles() {
    List<Double> samples = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      samples.add((double) i);
    }
    Percentiles p = Percentiles.of(samples);
    assertThat(p.count()).isEqualTo(100);
    assertThat(p.percentile(50)).isEqualTo(50.0);
    assertThat(p.percentile(95)).isEqualTo(95.0);
    assertThat(p.percentile(99)).isEqualTo(99.0);
    assertThat(p.percentile(100)).isEqualTo(100.0);
    assertThat(p.max()).isEqualTo(100.0);
    assertThat(p.msAt(50, 95, 99)).isEqualTo("50 ms / 95 ms / 99 ms");
    assertThat(Percentiles.of(List.of(7.0)).percentile(1)).isEqualTo(7.0);
    assertThat(Percentiles.of(List.of(1.0, 2.0, 3.0)).percentile(50)).isEqualTo(2.0);
    assertThat(Percentiles.of(List.of()).summary()).isEqualTo("no samples");
    assertThatThrownBy(() -> Percentiles.of(List.of()).percentile(50))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> p.percentile(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Percentiles.ms(3.14)).isEqualTo("3.1 ms");
    assertThat(Percentiles.ms(1234.4)).isEqualTo("1,234 ms");
  }

  @Test
  void pacerIsOpenLoop() {
    RatePacer pacer = new RatePacer(1_000, 20);
    assertThat(pacer.dueNanos(0)).isEqualTo(1_000);
    assertThat(pacer.dueNanos(20)).isEqualTo(1_000 + 1_000_000_000L);
    assertThat(pacer.waitNanos(1, 1_000)).isEqualTo(50_000_000L);
    // late sends are due at once, not shifted (no coordinated omission)
    assertThat(pacer.waitNanos(1, 2_000_000_000L)).isZero();
    assertThat(pacer.dueBy(999)).isZero();
    assertThat(pacer.dueBy(1_000)).isEqualTo(1);
    assertThat(pacer.dueBy(1_000 + 1_000_000_000L)).isEqualTo(21);
    assertThatThrownBy(() -> new RatePacer(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void exactTopKAndRecall() {
    Map<String, float[]> vectors = new LinkedHashMap<>();
    vectors.put("a", new float[] {1, 0});
    vectors.put("b", new float[] {0.8f, 0.6f});
    vectors.put("c", new float[] {0, 1});
    vectors.put("d", new float[] {-1, 0});
    assertThat(Recall.exactTopK(vectors, new float[] {1, 0}, 2)).containsExactly("a", "b");
    assertThat(Recall.exactTopK(vectors, new float[] {0, 1}, 3)).containsExactly("c", "b", "a");
    assertThat(Recall.exactTopK(vectors, new float[] {0, 1}, 10)).hasSize(4);
    assertThat(Recall.recallAtK(List.of("a", "x", "b"), List.of("a", "b", "c"), 3))
        .isEqualTo(2.0 / 3);
    assertThat(Recall.recallAtK(List.of("c", "b", "a"), List.of("a", "b", "c"), 3)).isEqualTo(1.0);
    assertThat(Recall.recallAtK(List.of(), List.of("a"), 10)).isZero();
    assertThat(Recall.recallAtK(List.of("a"), List.of(), 10)).isEqualTo(1.0);
    assertThatThrownBy(() -> Recall.exactTopK(vectors, new float[] {1, 0, 0}, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tableIsMarkdownAndAligned() {
    String md = new ResultTable().add("ingest", "95.2 images/s").add("a|b", "1").markdown();
    String[] lines = md.split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("| what ").endsWith("|");
    assertThat(lines[1]).matches("\\| -+ \\| -+: \\|");
    assertThat(lines[3]).contains("a\\|b");
    assertThat(lines).extracting(String::length).containsOnly(lines[0].length());
  }

  @Test
  void syntheticJpegsAreDeterministicDistinctAndSized() throws Exception {
    byte[] a = SyntheticJpegs.jpeg(1, 640, 480);
    assertThat(SyntheticJpegs.jpeg(1, 640, 480)).isEqualTo(a);
    assertThat(SyntheticJpegs.jpeg(2, 640, 480)).isNotEqualTo(a);
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(a));
    assertThat(img.getWidth()).isEqualTo(640);
    assertThat(img.getHeight()).isEqualTo(480);
    assertThat(a.length).isBetween(10_000, 500_000);
  }

  @Test
  void peakRssFromProcStatus() {
    assertThat(
            PeakMemory.parseVmHwm(List.of("Name: java", "VmHWM:\t  204800 kB", "VmRSS: 1 kB"))
                .getAsLong())
        .isEqualTo(204800L * 1024);
    assertThat(PeakMemory.parseVmHwm(List.of("Name: java"))).isEmpty();
    assertThat(PeakMemory.mib(3L * 1024 * 1024)).isEqualTo("3 MiB");
  }
}
