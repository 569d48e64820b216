package dev.imgsearch.cli.plan;

/**
 * The arithmetic of {@code imgsearch plan}: from cameras, frame rate, frame size and retention to
 * cores, Flink slots, Kafka partitions and bytes, object-store bytes, vector rows and vector-store
 * memory, Milvus query nodes. Pure: no I/O. Every constant says where it was measured
 * (docs/benchmarks.md, embedder/README.md, test resources) or that it is an assumption;
 * docs/scaling.md works the model through.
 */
public final class CapacityModel {
  private CapacityModel() {}

  // --- embedding job, core-ms per image (one core = one ONNX Runtime intra-op thread = one Flink
  // slot) ---
  /**
   * Frame model alone (MobileNetV2, 576-d), 1 intra-op thread, batch 1: 366 images/s = 2.7 ms
   * (benchmarks.md (a)).
   */
  public static final double MODEL_CORE_MS = 2.7;

  /**
   * Whole job at 0.3 MP: the CPU of the Flink job's own processes (JobManager + 2 TaskManagers, one
   * intra-op thread per slot, their JIT compiler left out) per image, as {@code imgsearch bench
   * --cluster} measures it: 14.8 / 14.7 / 14.2 core-ms in three quiet runs, the median
   * (scripts/plan-figures.sh; benchmarks.md "Per-core figures of the plan").
   */
  public static final double JOB_CORE_MS_AT_03_MP = 14.7;

  /** Whole job at 2 MP, measured the same way: 18.1 / 20.7 / 17.9 core-ms, the median. */
  public static final double JOB_CORE_MS_AT_2_MP = 18.1;

  /**
   * Objects (CenterNet, 512² letterbox) per frame: the job with {@code detect=objects} (95.0 / 94.4
   * / 95.3 core-ms, median 95.0, measured as {@link #JOB_CORE_MS_AT_03_MP}) less the job without.
   */
  public static final double OBJECTS_CORE_MS = 95.0 - JOB_CORE_MS_AT_03_MP;

  /**
   * Faces (BlazeFace) per frame without faces in it: the job with {@code detect=objects,faces}
   * (104.5 / 110.9 / 106.2 core-ms, median 106.2) less the job with {@code detect=objects}.
   */
  public static final double FACES_CORE_MS = 106.2 - 95.0;

  /**
   * Face descriptor (FaceRes) per face found: 15–30 ms measured under load; the upper figure
   * (embedder/README.md).
   */
  public static final double FACE_DESCRIPTOR_CORE_MS = 30;

  /**
   * Share of a core the plan fills: the rest is headroom to catch up after an outage (assumption).
   */
  public static final double TARGET_UTILISATION = 0.7;

  // --- record and object sizes ---
  /**
   * A MinIO ObjectCreated notification (JSON), as in ingest-stream's test
   * notifications/put-versioned.json: 1 178 B.
   */
  public static final int NOTIFICATION_BYTES = 1178;

  /**
   * One ImageEvent (Avro, single-object encoding) with a typical key: measured by
   * CapacityModelTest.
   */
  public static final int EVENT_BYTES = 160;

  /**
   * ImageEmbedding without its vector (ids, key, source, times, model, phash), Avro: measured by
   * CapacityModelTest.
   */
  public static final int EMBEDDING_FIXED_BYTES = 150;

  /**
   * One DetectedItem without its vector (kind, index, label, class, score, box, model), Avro
   * (CapacityModelTest).
   */
  public static final int ITEM_FIXED_BYTES = 60;

  /** FaceRes descriptor dimension (embedder/README.md). */
  public static final int FACE_DIMENSION = 1024;

  /**
   * JPEG bytes per megapixel: basketball1.jpg (embedder test photos), 44 903 B at 640×480 = 146
   * kB/MP.
   */
  public static final double JPEG_BYTES_PER_MP = 44_903 / 0.3072;

  /**
   * Kafka replication factor of the cluster (local/README.md: 3 brokers, RF 3, min.insync.replicas
   * 2).
   */
  public static final int KAFKA_REPLICATION = 3;

  // --- vector store ---
  /**
   * Scalar fields per row in the store (image id, bucket, key, source, times, phash, scene
   * reference; assumption).
   */
  public static final int ROW_SCALAR_BYTES = 200;

  /** HNSW graph links per vector: 2·M 4-byte ids at M = 16 (the stores' index setting). */
  public static final int HNSW_LINK_BYTES = 2 * 16 * 4;

  /**
   * DiskANN keeps PQ codes in RAM: Milvus' PQCodeBudgetGBRatio default, 0.125 of the raw vectors.
   */
  public static final double DISKANN_RAM_RATIO = 0.125;

  /**
   * Vectors per sealed Milvus segment searched as one HNSW graph (≈ 1 GB segments of 576-d floats;
   * assumption).
   */
  public static final long SEGMENT_VECTORS = 1_000_000;

  /**
   * Core-ms of one k = 10 HNSW search over one segment: the embedded store, 100 000 vectors, 6.18
   * ms p50 (benchmarks.md).
   */
  public static final double QUERY_CORE_MS_PER_SEGMENT = 6.2;

  /**
   * Share of a query node's RAM the plan fills (assumption; Milvus needs room for growing segments
   * and loads).
   */
  public static final double QUERY_NODE_RAM_USE = 0.7;

  /**
   * Partitions come in multiples of 12, the k8s base's count (divisible by 1, 2, 3, 4, 6, 12;
   * docs/deploy.md §8).
   */
  public static final int PARTITION_STEP = 12;

  static final double SECONDS_PER_DAY = 86_400;

  /** What the embedding job computes per frame. */
  public enum Detect {
    NONE,
    OBJECTS,
    OBJECTS_AND_FACES;

    /**
     * {@code none}, {@code objects} or {@code objects,faces} (the embedder's {@code detect}
     * setting).
     */
    public static Detect parse(String value) {
      return switch (value.strip().toLowerCase(java.util.Locale.ROOT).replace(" ", "")) {
        case "none" -> NONE;
        case "objects" -> OBJECTS;
        case "objects,faces", "faces,objects" -> OBJECTS_AND_FACES;
        default ->
            throw new IllegalArgumentException(
                "--detect is none, objects or objects,faces, got '" + value + "'");
      };
    }
  }

  /**
   * Job core-ms per frame that runs the frame model, at {@code megapixels} (linear between the 0.3
   * and 2 MP figures).
   */
  public static double jobCoreMs(double megapixels) {
    double slope = (JOB_CORE_MS_AT_2_MP - JOB_CORE_MS_AT_03_MP) / (2.0 - 0.3072);
    return JOB_CORE_MS_AT_03_MP + slope * (megapixels - 0.3072);
  }

  /** Core-ms of detection per embedded frame. */
  public static double detectCoreMs(Detect detect, double facesPerFrame) {
    return switch (detect) {
      case NONE -> 0;
      case OBJECTS -> OBJECTS_CORE_MS;
      case OBJECTS_AND_FACES ->
          OBJECTS_CORE_MS + FACES_CORE_MS + facesPerFrame * FACE_DESCRIPTOR_CORE_MS;
    };
  }

  /** Avro bytes of one ImageEmbedding with a {@code dimension}-d vector and its detected items. */
  public static double embeddingBytes(int dimension, double objects, double faces) {
    return EMBEDDING_FIXED_BYTES
        + 4.0 * dimension
        + objects * (ITEM_FIXED_BYTES + 4.0 * dimension)
        + faces * (ITEM_FIXED_BYTES + 4.0 * FACE_DIMENSION);
  }

  /** The plan for {@code in}. */
  public static CapacityPlan plan(PlanInputs in) {
    double imagesPerSecond = in.cameras() * in.fps();
    double modelPerSecond = imagesPerSecond * (1 - in.gateSkip());
    double full = jobCoreMs(in.megapixels());
    double skipped =
        full - MODEL_CORE_MS; // a gated frame is fetched, decoded and hashed, not embedded
    double detect = detectCoreMs(in.detect(), in.facesPerFrame());
    double coreMsPerSecond =
        modelPerSecond * (full + detect) + (imagesPerSecond - modelPerSecond) * skipped;
    double cores = coreMsPerSecond / 1000 / TARGET_UTILISATION;
    int slots = (int) Math.max(1, Math.ceil(cores));
    int taskManagers = (int) Math.ceil(slots / (double) in.slotsPerTaskManager());
    int partitions = PARTITION_STEP * (int) Math.ceil(slots / (double) PARTITION_STEP);

    double objects = in.detect() == Detect.NONE ? 0 : in.objectsPerFrame();
    double faces = in.detect() == Detect.OBJECTS_AND_FACES ? in.facesPerFrame() : 0;
    double perDay = imagesPerSecond * SECONDS_PER_DAY;
    double embedding = embeddingBytes(in.dimension(), objects, faces);
    double kafkaPerDay = perDay * (NOTIFICATION_BYTES + EVENT_BYTES + embedding);
    double kafkaRetained = kafkaPerDay * in.kafkaRetentionDays() * KAFKA_REPLICATION;
    double objectPerDay = perDay * in.megapixels() * JPEG_BYTES_PER_MP;

    double frames = perDay * in.retentionDays();
    double objectRows = frames * (1 - in.gateSkip()) * objects;
    double faceRows = frames * (1 - in.gateSkip()) * faces;
    double rawVectors =
        frames * 4.0 * in.dimension()
            + objectRows * 4.0 * in.dimension()
            + faceRows * 4.0 * FACE_DIMENSION;
    double rows = frames + objectRows + faceRows;
    double scalars = rows * ROW_SCALAR_BYTES;
    double hnswRam = rawVectors + rows * HNSW_LINK_BYTES + scalars;
    double sq8Ram = rawVectors / 4 + scalars;
    double diskannRam = rawVectors * DISKANN_RAM_RATIO + scalars;
    // the alternative design: only scene representatives (frames through the model) carry a vector
    double representatives = frames * (1 - in.gateSkip());
    double representativesHnswRam =
        hnswRam - (frames - representatives) * (4.0 * in.dimension() + HNSW_LINK_BYTES);

    double nodeRam = in.queryNodeGb() * 1e9 * QUERY_NODE_RAM_USE;
    int nodesForRam = (int) Math.max(1, Math.ceil(hnswRam / nodeRam));
    long segments = (long) Math.max(1, Math.ceil(rows / SEGMENT_VECTORS));
    double queryCoreMs = segments * QUERY_CORE_MS_PER_SEGMENT;
    int nodesForQps =
        (int)
            Math.max(
                1,
                Math.ceil(
                    in.qps() * queryCoreMs / 1000 / (in.queryNodeCores() * TARGET_UTILISATION)));
    return new CapacityPlan(
        in,
        imagesPerSecond,
        modelPerSecond,
        full + detect,
        cores,
        slots,
        taskManagers,
        partitions,
        embedding,
        kafkaPerDay,
        kafkaRetained,
        objectPerDay,
        objectPerDay * in.retentionDays(),
        frames,
        objectRows,
        faceRows,
        hnswRam,
        sq8Ram,
        diskannRam,
        rawVectors * 1.5,
        representatives,
        representativesHnswRam,
        segments,
        queryCoreMs,
        nodesForRam,
        nodesForQps);
  }
}
