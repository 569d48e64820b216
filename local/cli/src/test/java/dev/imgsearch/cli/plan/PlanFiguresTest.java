package dev.imgsearch.cli.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.cli.plan.PlanFigures.Figure;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanFiguresTest {
  @Test
  void eachBenchRowOfThePlanNamesItsConstants() {
    Figure small = PlanFigures.forSetting(640, 480, Map.of());
    assertThat(small.coreMs()).isCloseTo(CapacityModel.JOB_CORE_MS_AT_03_MP, within(1e-9));
    assertThat(small.basis()).isEqualTo("JOB_CORE_MS_AT_03_MP");
    assertThat(small.imagesPerSecondPerCore())
        .isCloseTo(1000 / CapacityModel.JOB_CORE_MS_AT_03_MP, within(1e-9));

    Figure large = PlanFigures.forSetting(1632, 1224, Map.of("detect", "none"));
    assertThat(large.coreMs()).isCloseTo(CapacityModel.JOB_CORE_MS_AT_2_MP, within(0.02));
    assertThat(large.basis()).isEqualTo("JOB_CORE_MS_AT_2_MP");

    Figure objects = PlanFigures.forSetting(640, 480, Map.of("detect", "objects"));
    assertThat(objects.coreMs())
        .isCloseTo(
            CapacityModel.JOB_CORE_MS_AT_03_MP + CapacityModel.OBJECTS_CORE_MS, within(1e-9));
    assertThat(objects.basis()).isEqualTo("JOB_CORE_MS_AT_03_MP + OBJECTS_CORE_MS");

    Figure faces = PlanFigures.forSetting(640, 480, Map.of("detect", "objects, faces"));
    assertThat(faces.coreMs())
        .as("synthetic frames show no face: no descriptor")
        .isCloseTo(
            CapacityModel.JOB_CORE_MS_AT_03_MP
                + CapacityModel.OBJECTS_CORE_MS
                + CapacityModel.FACES_CORE_MS,
            within(1e-9));
    assertThat(faces.basis()).startsWith("JOB_CORE_MS_AT_03_MP + OBJECTS_CORE_MS + FACES_CORE_MS");
    assertThat(faces.applies()).isTrue();
  }

  @Test
  void otherFrameSizesAreInterpolatedOrExtrapolatedAsThePlanDoes() {
    Figure mid = PlanFigures.forSetting(1280, 720, Map.of());
    assertThat(mid.coreMs()).isCloseTo(CapacityModel.jobCoreMs(0.9216), within(1e-9));
    assertThat(mid.basis()).isEqualTo("JOB_CORE_MS_AT_03_MP…AT_2_MP interpolated at 0.92 MP");
    assertThat(PlanFigures.forSetting(320, 240, Map.of()).basis()).contains("extrapolated");
  }

  @Test
  void settingsThePlanDoesNotModelHaveNoFigureAndSayWhy() {
    Figure facesOnly = PlanFigures.forSetting(640, 480, Map.of("detect", "faces"));
    assertThat(facesOnly.applies()).isFalse();
    assertThat(facesOnly.basis()).isEqualTo("n/a: the plan has no detect=faces");

    Figure gated = PlanFigures.forSetting(640, 480, Map.of("gate.enabled", "true"));
    assertThat(gated.applies()).isFalse();
    assertThat(gated.basis()).contains("gate.enabled");
    assertThat(PlanFigures.forSetting(640, 480, Map.of("gate.enabled", "false")).applies())
        .isTrue();
  }
}
