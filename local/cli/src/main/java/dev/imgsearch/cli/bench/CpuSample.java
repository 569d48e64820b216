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
 * pipeline and the bench client; {@code getProcessCpuTime}), the S3 server child and the Milvus
 * processes the bench launched ({@code /proc/PID/stat} utime + stime through {@link
 * ProcessHandle.Info#totalCpuDuration}). A figure is -1 when unknown (not on Linux, no such
 * process, Milvus not launched by the bench).
 *
 * @param jitNanos CPU of this JVM's JIT compiler threads (C1/C2 CompilerThread, {@code
 *     /proc/self/task/TID/stat}), part of {@code pipelineNanos}; -1 when unknown
 */
public record CpuSample(long pipelineNanos, long s3Nanos, long milvusNanos, long jitNanos) {
  /** {@code /proc} counts CPU in clock ticks of 1/100 s (USER_HZ). */
  static final long NANOS_PER_TICK = 10_000_000L;

  /** Reads now: this JVM, the S3 server {@code s3Pid}, the Milvus {@code milvusPids} (or null). */
  public static CpuSample read(long s3Pid, List<Long> milvusPids) {
    long milvus = -1;
    if (milvusPids != null) {
      milvus = 0;
      for (long pid : milvusPids) {
        milvus += Math.max(0, processNanos(pid));
      }
    }
    return new CpuSample(ownNanos(), processNanos(s3Pid), milvus, readJitNanos());
  }

  private static long ownNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return processNanos(ProcessHandle.current().pid());
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

  /** CPU of this JVM's live JIT compiler threads, or -1 without {@code /proc}. */
  private static long readJitNanos() {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
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
