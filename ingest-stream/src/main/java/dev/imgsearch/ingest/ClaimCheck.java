package dev.imgsearch.ingest;

import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Raw frame → object in the bucket ({@link Frames#objectKey}) → CREATED event keyed by image id.
 * Invalid frames go to the dead-letter topic (an oversized frame without its bytes: it stays
 * readable at the original offset). Object store failures are classified by {@link
 * ObjectStoreFailures} inside {@link RetryingObjectStore}: a frame the store refuses for good (e.g.
 * S3 {@code InvalidArgument}) becomes a dead letter {@value #REASON_REJECTED} and processing goes
 * on; an outage is retried with backoff, and when the budget runs out the exception leaves the
 * topology and the thread resumes from the last commit, so no frame is lost or skipped.
 */
final class ClaimCheck extends RoutedProcessor<byte[], byte[]> {
  /**
   * Dead-letter reason of a frame the object store refused for good (S3 error code in the detail).
   */
  static final String REASON_REJECTED = "object-store-rejected";

  private final String bucket;
  private final long maxBytes;
  private final RetryingObjectStore store;

  ClaimCheck(String bucket, long maxBytes, RetryingObjectStore store, IngestMetrics metrics) {
    super(metrics);
    this.bucket = bucket;
    this.maxBytes = maxBytes;
    this.store = store;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Frames.Parsed parsed =
        Frames.parse(record.value(), record.headers(), record.timestamp(), maxBytes);
    if (parsed.rejection() != null) {
      var r = parsed.rejection();
      DeadLetterRouting.forward(
          context,
          metrics,
          record,
          r.reason(),
          r.detail(),
          null,
          null,
          !Frames.REJECT_TOO_LARGE.equals(r.reason()));
      return;
    }
    Frames.Frame f = parsed.frame();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("source", f.source());
    meta.put("captured-at", Instant.ofEpochMilli(f.capturedAtMillis()).toString());
    if (!f.tags().isEmpty()) {
      meta.put("tags", String.join(",", f.tags()));
    }
    ObjectStore.Written written;
    try {
      written = store.put(bucket, f.objectKey(), f.bytes(), f.contentType(), meta);
    } catch (ObjectStoreRejectedException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      DeadLetterRouting.forward(
          context,
          metrics,
          record,
          REASON_REJECTED,
          e.getMessage(),
          cause,
          ImageIds.of(bucket, f.objectKey()),
          true);
      return;
    }
    metrics.frameStored();
    ImageEvent e =
        ImageEvent.newBuilder()
            .setImageId(ImageIds.of(bucket, f.objectKey()))
            .setType(ImageEventType.CREATED)
            .setBucket(bucket)
            .setKey(f.objectKey())
            .setVersionId(
                written.versionId() == null || written.versionId().isEmpty()
                    ? null
                    : written.versionId())
            .setEtag(written.etag())
            .setSize((long) f.bytes().length)
            .setContentType(f.contentType())
            .setSource(f.source())
            .setCapturedAtMillis(f.capturedAtMillis())
            .setTags(f.tags())
            .setEventTimeMillis(context.currentSystemTimeMs())
            .build();
    context.forward(
        new Record<>(e.getImageId(), Routed.event(e), record.timestamp(), new RecordHeaders()));
  }
}
