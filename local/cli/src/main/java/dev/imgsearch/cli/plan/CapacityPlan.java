package dev.imgsearch.cli.plan;

import java.util.Locale;

/**
 * The sizes {@link CapacityModel#plan} computes, and their printed form. Bytes are decimal (1 GB =
 * 10⁹ B).
 */
public record CapacityPlan(
    PlanInputs in,
    double imagesPerSecond,
    double modelImagesPerSecond,
    double coreMsPerEmbeddedFrame,
    double cores,
    int slots,
    int taskManagers,
    int partitions,
    double embeddingRecordBytes,
    double kafkaBytesPerDay,
    double kafkaBytesRetained,
    double objectBytesPerDay,
    double objectBytesRetained,
    double frameRows,
    double objectRows,
    double faceRows,
    double hnswRamBytes,
    double ivfSq8RamBytes,
    double diskannRamBytes,
    double diskannDiskBytes,
    double representativeRows,
    double representativesHnswRamBytes,
    long segments,
    double queryCoreMs,
    int queryNodesForRam,
    int queryNodesForQps) {

  public double rows() {
    return frameRows + objectRows + faceRows;
  }

  public int queryNodes() {
    return Math.max(queryNodesForRam, queryNodesForQps);
  }

  /** Whether keying by source limits the job: fewer sources than slots leaves slots idle. */
  public boolean sourcesLimitParallelism() {
    return in.cameras() < slots;
  }

  /** The table {@code imgsearch plan} prints. */
  public String render() {
    StringBuilder b = new StringBuilder();
    line(
        b,
        "input",
        fmt(
            "%s cameras × %s fps × %s MP, detect %s, %d-d, kept %s days",
            num(in.cameras()),
            num(in.fps()),
            num(in.megapixels()),
            in.detect().name().toLowerCase(Locale.ROOT).replace("_and_", ","),
            in.dimension(),
            num(in.retentionDays())));
    line(
        b,
        "images in",
        fmt(
            "%s/s = %s/day",
            num(imagesPerSecond), num(imagesPerSecond * CapacityModel.SECONDS_PER_DAY)));
    line(
        b,
        "through the model",
        fmt("%s/s (gating skips %s %%)", num(modelImagesPerSecond), num(in.gateSkip() * 100)));
    line(
        b,
        "job cores",
        fmt(
            "%s (%s core-ms per embedded frame, %.0f %% busy)",
            num(cores), num(coreMsPerEmbeddedFrame), CapacityModel.TARGET_UTILISATION * 100));
    line(
        b,
        "Flink",
        fmt(
            "%d slots (parallelism), %d TaskManagers × %d slots",
            slots, taskManagers, in.slotsPerTaskManager()));
    if (sourcesLimitParallelism()) {
      line(
          b,
          "",
          fmt(
              "note: gating keys by source: %s sources keep at most %s subtasks busy",
              num(in.cameras()), num(in.cameras())));
    }
    line(
        b,
        "Kafka",
        fmt(
            "%d partitions per topic, RF %d; %s per embedding record",
            partitions, CapacityModel.KAFKA_REPLICATION, bytes(embeddingRecordBytes)));
    line(
        b,
        "Kafka bytes",
        fmt(
            "%s/day (one copy), %s on disk for %s days × RF %d",
            bytes(kafkaBytesPerDay),
            bytes(kafkaBytesRetained),
            num(in.kafkaRetentionDays()),
            CapacityModel.KAFKA_REPLICATION));
    line(
        b,
        "object store",
        fmt("%s/day, %s over the retention", bytes(objectBytesPerDay), bytes(objectBytesRetained)));
    line(
        b,
        "vector rows",
        fmt(
            "%s (frames %s, objects %s, faces %s)",
            num(rows()), num(frameRows), num(objectRows), num(faceRows)));
    line(
        b,
        "vector store RAM",
        fmt(
            "HNSW %s · IVF_SQ8 %s · DiskANN %s (+ %s SSD)",
            bytes(hnswRamBytes),
            bytes(ivfSq8RamBytes),
            bytes(diskannRamBytes),
            bytes(diskannDiskBytes)));
    if (in.gateSkip() > 0) {
      line(
          b,
          "",
          fmt(
              "vectors only on scene representatives (%s frames): HNSW %s",
              num(representativeRows), bytes(representativesHnswRamBytes)));
    }
    line(
        b,
        "Milvus query nodes",
        fmt(
            "%d (%d for HNSW RAM at %s GB each, %d for %s queries/s: %s segments, %s core-ms per query)",
            queryNodes(),
            queryNodesForRam,
            num(in.queryNodeGb()),
            queryNodesForQps,
            num(in.qps()),
            num(segments),
            num(queryCoreMs)));
    return b.toString();
  }

  private static void line(StringBuilder b, String label, String value) {
    b.append(String.format(Locale.ROOT, "%-20s %s%n", label, value));
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  /**
   * 3 significant digits with k/M/G for large numbers: 12.3k, 1.04G; small ones as they are (0.5,
   * 42).
   */
  static String num(double v) {
    double a = Math.abs(v);
    if (a >= 999.5e6) { // 999.7M prints as 1G, not 1000M
      return sig(v / 1e9) + "G";
    } else if (a >= 999.5e3) {
      return sig(v / 1e6) + "M";
    } else if (a >= 1e4) {
      return sig(v / 1e3) + "k";
    }
    return sig(v);
  }

  private static String sig(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e4) {
      return String.valueOf((long) v);
    }
    String s =
        Math.abs(v) >= 100
            ? String.format(Locale.ROOT, "%.0f", v)
            : Math.abs(v) >= 10
                ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** Decimal bytes: 2.4 kB, 13.1 GB, 1.2 PB. */
  static String bytes(double v) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (Math.abs(v) >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return sig(v) + " " + units[u];
  }
}
