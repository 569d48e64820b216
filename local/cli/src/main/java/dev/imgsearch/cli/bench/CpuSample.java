package dev.imgsearch.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time the processes of a bench run have consumed so far, read at one moment: this JVM (the
 * pipeline and the bench client; {@code getProcessCpuTime}) with the stack's other service
 * processes, the Flink job's own processes, the S3 server child and the Milvus processes the bench
 * launched ({@code /proc/PID/stat} utime + stime through {@link
 * ProcessHandle.Info#totalCpuDuration}). A figure is -1 when unknown (not on Linux, no such
 * process, Milvus not launched by the bench, the job running in this JVM).
 *
 * @param pipelineNanos this JVM and the service processes (Kafka nodes, the query API's JVM) when
 *     the stack runs them apart
 * @param jobNanos the Flink JobManager and TaskManagers when the job runs in processes of its own
 *     ({@code bench --cluster}), else -1 (its CPU is then part of {@code pipelineNanos})
 * @param jitNanos CPU of the JIT compiler threads (C1/C2 CompilerThread, {@code
 *     /proc/PID/task/TID/stat}) of every JVM counted above and of the S3 server; -1 when unknown
 * @param jobJitNanos the part of {@code jitNanos} spent in the job's own processes, -1 without them
 */
public record CpuSample(
    long pipelineNanos,
    long jobNanos,
    long s3Nanos,
    long milvusNanos,
    long jitNanos,
    long jobJitNanos) {
  /** {@code /proc} counts CPU in clock ticks of 1/100 s (USER_HZ). */
  static final long NANOS_PER_TICK = 10_000_000L;

  /**
   * Reads now: this JVM and {@code servicePids}, the job's {@code jobPids} (empty: the job runs in
   * this JVM), the S3 server {@code s3Pid}, the Milvus {@code milvusPids} (or null).
   */
  public static CpuSample read(
      long s3Pid, List<Long> jobPids, List<Long> servicePids, List<Long> milvusPids) {
    long pipeline = ownNanos() + sum(servicePids);
    long job = jobPids.isEmpty() ? -1 : sum(jobPids);
    long jobJit = jobPids.isEmpty() ? -1 : jitOf(jobPids);
    long jit = jitNanos(Path.of("/proc/self"));
    if (jit >= 0) {
      jit +=
          jitOf(servicePids) + Math.max(0, jobJit) + jitOf(s3Pid < 0 ? List.of() : List.of(s3Pid));
    }
    return new CpuSample(
        pipeline, job, processNanos(s3Pid), milvusPids == null ? -1 : sum(milvusPids), jit, jobJit);
  }

  private static long ownNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return processNanos(ProcessHandle.current().pid());
  }

  /** CPU of the processes still known; a process gone meanwhile counts as nothing. */
  private static long sum(List<Long> pids) {
    return pids.stream().mapToLong(pid -> Math.max(0, processNanos(pid))).sum();
  }

  static long processNanos(long pid) {
    if (pid < 0) {
      return -1;
    }
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(Duration::toNanos)
        .orElse(-1L);
  }

  private static long jitOf(List<Long> pids) {
    return pids.stream()
        .mapToLong(pid -> Math.max(0, jitNanos(Path.of("/proc", Long.toString(pid)))))
        .sum();
  }

  /** CPU of a JVM's live JIT compiler threads ({@code proc} = /proc/PID), or -1 without it. */
  private static long jitNanos(Path proc) {
    try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
      long ticks = 0;
      for (Path task : tasks.toList()) {
        try {
          ticks += compilerTicks(Files.readString(task.resolve("stat")));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
      return ticks * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime clock ticks of a thread's {@code stat} line when the thread is a HotSpot JIT
   * compiler thread ({@code C1 CompilerThre…}, {@code C2 CompilerThre…}: names are cut to 15
   * characters), else 0.
   */
  static long compilerTicks(String statLine) {
    int open = statLine.indexOf('(');
    int close = statLine.lastIndexOf(')');
    if (open < 0 || close < open) {
      return 0;
    }
    String name = statLine.substring(open + 1, close);
    if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
      return 0;
    }
    // after "pid (name) ": state is field 3, utime field 14, stime field 15
    String[] fields = statLine.substring(close + 2).trim().split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
