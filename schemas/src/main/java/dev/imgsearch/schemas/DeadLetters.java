package dev.imgsearch.schemas;

/** Header names every stage sets on a dead-letter record. */
public final class DeadLetters {
  private DeadLetters() {}

  /**
   * Short machine-readable reason, e.g. {@code unparseable-notification}, {@code decode-failed}.
   */
  public static final String REASON = "imgsearch.dlq.reason";

  /** Human-readable detail (exception message). */
  public static final String DETAIL = "imgsearch.dlq.detail";

  /** Stage that rejected the record: ingest-stream, embedder, indexer. */
  public static final String STAGE = "imgsearch.dlq.stage";

  public static final String EXCEPTION_CLASS = "imgsearch.dlq.exception-class";
  public static final String ORIGINAL_TOPIC = "imgsearch.dlq.original-topic";
  public static final String ORIGINAL_PARTITION = "imgsearch.dlq.original-partition";
  public static final String ORIGINAL_OFFSET = "imgsearch.dlq.original-offset";

  /**
   * Size in bytes of the original key, when it was too long to keep (see {@link
   * DeadLetter#MAX_KEY_BYTES}).
   */
  public static final String KEY_DROPPED = "imgsearch.dlq.key-dropped-bytes";

  /**
   * Size in bytes of the original value, when it was too large to keep (see {@link
   * DeadLetter#MAX_VALUE_BYTES}).
   */
  public static final String VALUE_DROPPED = "imgsearch.dlq.value-dropped-bytes";

  /** Image id, when known. */
  public static final String IMAGE_ID = "imgsearch.dlq.image-id";
}
