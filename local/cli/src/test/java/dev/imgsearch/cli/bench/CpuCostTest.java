package dev.imgsearch.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuCostTest {
  @Test
  void coreMsPerImageIsTheCpuOfEveryKnownProcessOverTheImages() {
    CpuSample start = new CpuSample(5_000_000_000L, -1, 1_000_000_000L, -1, 800_000_000L, -1);
    CpuSample end = new CpuSample(13_000_000_000L, -1, 1_400_000_000L, -1, 2_000_000_000L, -1);
    CpuCost cost = CpuCost.between(start, end, 200, 4.2);
    assertThat(cost.pipelineNanos()).isEqualTo(8_000_000_000L);
    assertThat(cost.s3Nanos()).isEqualTo(400_000_000L);
    assertThat(cost.milvusNanos()).as("unknown stays unknown").isEqualTo(-1);
    assertThat(cost.jitNanos()).isEqualTo(1_200_000_000L);
    assertThat(cost.coreMsPerImage()).isCloseTo(42.0, within(1e-9));
    assertThat(cost.imagesPerSecondPerCore()).isCloseTo(1000 / 42.0, within(1e-9));
    assertThat(cost.coresBusy()).isCloseTo(2.0, within(1e-9));
    assertThat(cost.steadyCoreMsPerImage()).as("without the JIT").isCloseTo(36.0, within(1e-9));
    assertThat(cost.perProcess()).isEqualTo("8.0 s / 0.4 s / n/a");
    assertThat(cost.jit()).isEqualTo("1.2 s");
    assertThat(cost.jobApart()).as("the job ran in this JVM").isFalse();
    assertThat(cost.jobSteadyCoreMsPerImage()).isNaN();
  }

  @Test
  void withTheJobInItsOwnProcessesItsCpuIsCountedInTheTotalAndApart() {
    CpuSample start =
        new CpuSample(1_000_000_000L, 2_000_000_000L, 0, -1, 500_000_000L, 300_000_000L);
    CpuSample end =
        new CpuSample(
            4_000_000_000L, 9_000_000_000L, 1_000_000_000L, -1, 2_500_000_000L, 1_300_000_000L);
    CpuCost cost = CpuCost.between(start, end, 100, 5);
    assertThat(cost.jobApart()).isTrue();
    assertThat(cost.totalNanos()).isEqualTo(11_000_000_000L);
    assertThat(cost.coreMsPerImage()).isCloseTo(110, within(1e-9));
    assertThat(cost.steadyCoreMsPerImage())
        .as("without every JVM's JIT")
        .isCloseTo(90, within(1e-9));
    assertThat(cost.jobSteadyCoreMsPerImage())
        .as("the job's 7 s less its 1 s of JIT over 100 images")
        .isCloseTo(60, within(1e-9));
    assertThat(cost.perProcess()).isEqualTo("3.0 s / 7.0 s / 1.0 s / n/a");
  }

  @Test
  void aProcessUnknownAtEitherEndIsLeftOut() {
    CpuCost cost =
        CpuCost.between(
            new CpuSample(0, -1, -1, 1_000_000_000L, -1, -1),
            new CpuSample(1_000_000_000L, -1, 5_000_000_000L, 3_000_000_000L, -1, -1),
            10,
            1);
    assertThat(cost.s3Nanos()).isEqualTo(-1);
    assertThat(cost.coreMsPerImage()).isCloseTo(300, within(1e-9));
    assertThat(cost.jit()).isEqualTo("n/a");
    assertThat(cost.steadyCoreMsPerImage()).isEqualTo(cost.coreMsPerImage());
    assertThat(CpuCost.between(cost0(), cost0(), 0, 0).coreMsPerImage()).isNaN();
  }

  @Test
  void jitCompilerThreadsAreFoundByNameInTheirStatLine() {
    String c2 =
        "4242 (C2 CompilerThre) S 4200 4200 1 0 -1 1077936192 5132 0 0 0 731 42 0 0 20 0 25 0 "
            + "1717 5000000000 60000 18446744073709551615";
    assertThat(CpuSample.compilerTicks(c2)).isEqualTo(773);
    assertThat(CpuSample.compilerTicks(c2.replace("C2 CompilerThre", "C1 CompilerThre")))
        .isEqualTo(773);
    assertThat(CpuSample.compilerTicks(c2.replace("C2 CompilerThre", "flink-pekko.ac")))
        .as("other threads")
        .isZero();
    assertThat(CpuSample.compilerTicks("garbage")).isZero();
  }

  @Test
  void readsThisJvmAndAnotherProcessByPid() {
    long self = ProcessHandle.current().pid();
    CpuSample s = CpuSample.read(self, List.of(), List.of(), List.of());
    assertThat(s.pipelineNanos()).isPositive();
    assertThat(s.s3Nanos()).as("by pid, as for the S3 server").isPositive();
    assertThat(s.milvusNanos()).as("no Milvus process: nothing spent").isZero();
    assertThat(s.jobNanos()).as("no job processes: the job runs in this JVM").isEqualTo(-1);
    CpuSample apart = CpuSample.read(-1, List.of(self), List.of(), null);
    assertThat(apart.jobNanos()).as("a job process by pid").isPositive();
    assertThat(apart.jobJitNanos()).as("its JIT threads, read from /proc").isPositive();
    assertThat(CpuSample.read(-1, List.of(), List.of(), null).s3Nanos()).isEqualTo(-1);
    assertThat(CpuSample.read(-1, List.of(), List.of(), null).milvusNanos()).isEqualTo(-1);
  }

  private static CpuSample cost0() {
    return new CpuSample(0, -1, 0, 0, 0, -1);
  }
}
