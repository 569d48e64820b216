package dev.imgsearch.cli.bench;

import dev.imgsearch.local.servers.MilvusServer;
import java.nio.file.Files;
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
      for (String line :
          Files.readAllLines(milvus.dataDir().get().resolve(MilvusServer.PID_FILE))) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length >= 1 && !parts[0].isEmpty()) {
          sum += PeakMemory.ofPid(Long.parseLong(parts[0])).orElse(0);
        }
      }
    } catch (Exception e) {
      return "n/a (" + e.getMessage() + ")";
    }
    return PeakMemory.mib(sum) + " (launcher + server)";
  }

  String pipeline() {
    return pipelineBytes < 0 ? "n/a" : PeakMemory.mib(pipelineBytes);
  }

  String s3() {
    return s3Bytes.isPresent() ? PeakMemory.mib(s3Bytes.getAsLong()) : "n/a";
  }
}
