package dev.imgsearch.cli.bench;

import dev.imgsearch.local.servers.MilvusServer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Peak memory (peak RSS) of the processes of a bench run, read at its end.
 *
 * @param pipelineBytes the JVM of the pipeline and the bench client; negative when unknown
 * @param s3Bytes the S3 server JVM
 * @param milvus the Milvus processes, formatted (or why not known)
 */
public record MemoryReport(long pipelineBytes, OptionalLong s3Bytes, String milvus) {
  /**
   * Reads the peaks of this JVM, the S3 server with pid {@code s3Pid} and the Milvus server the
   * bench launched.
   */
  public static MemoryReport measure(long s3Pid, MilvusServer milvus) {
    long pipelinePeak = PeakMemory.ofPid(ProcessHandle.current().pid()).orElse(-1);
    OptionalLong s3Peak = PeakMemory.ofPid(s3Pid);
    return new MemoryReport(pipelinePeak, s3Peak, milvusPeak(milvus));
  }

  /**
   * Sum of the peak RSS of the Milvus processes this bench launched (listed in the server's pid
   * file).
   */
  static String milvusPeak(MilvusServer milvus) {
    if (milvus == null || milvus.dataDir().isEmpty()) {
      return "n/a (not launched by the bench)";
    }
    long sum = 0;
    try {
      for (long pid : milvusPids(milvus)) {
        sum += PeakMemory.ofPid(pid).orElse(0);
      }
    } catch (Exception e) {
      return "n/a (" + e.getMessage() + ")";
    }
    return PeakMemory.mib(sum) + " (launcher + server)";
  }

  /**
   * The processes of the Milvus server this bench launched, from its pid file; null when the bench
   * launched none.
   */
  static List<Long> milvusPids(MilvusServer milvus) throws IOException {
    if (milvus == null || milvus.dataDir().isEmpty()) {
      return null;
    }
    List<Long> pids = new ArrayList<>();
    for (String line : Files.readAllLines(milvus.dataDir().get().resolve(MilvusServer.PID_FILE))) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 1 && !parts[0].isEmpty()) {
        pids.add(Long.parseLong(parts[0]));
      }
    }
    return pids;
  }

  String pipeline() {
    return pipelineBytes < 0 ? "n/a" : PeakMemory.mib(pipelineBytes);
  }

  String s3() {
    return s3Bytes.isPresent() ? PeakMemory.mib(s3Bytes.getAsLong()) : "n/a";
  }
}
