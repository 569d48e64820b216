package dev.imgsearch.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** Peak resident set size of a process, from Linux {@code /proc/PID/status} ({@code VmHWM}). */
public final class PeakMemory {
  private PeakMemory() {}

  /** {@code VmHWM} in bytes, parsed from the lines of a {@code status} file; empty when absent. */
  public static OptionalLong parseVmHwm(List<String> statusLines) {
    for (String line : statusLines) {
      if (line.startsWith("VmHWM:")) {
        String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
        long value = Long.parseLong(parts[0]);
        String unit = parts.length > 1 ? parts[1] : "kB";
        if (!unit.equals("kB")) {
          throw new IllegalArgumentException("unexpected VmHWM unit: " + line);
        }
        return OptionalLong.of(value * 1024);
      }
    }
    return OptionalLong.empty();
  }

  /** Peak RSS of {@code pid}, or empty when not on Linux or the process is gone. */
  public static OptionalLong ofPid(long pid) {
    try {
      return parseVmHwm(Files.readAllLines(Path.of("/proc/" + pid + "/status")));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  public static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%,d MiB", bytes / (1024 * 1024));
  }
}
