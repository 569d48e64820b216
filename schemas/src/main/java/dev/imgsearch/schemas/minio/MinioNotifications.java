package dev.imgsearch.schemas.minio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Reads and writes MinIO notification JSON. */
public final class MinioNotifications {
  public static final String OBJECT_CREATED_PUT = "s3:ObjectCreated:Put";
  public static final String OBJECT_REMOVED_DELETE = "s3:ObjectRemoved:Delete";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private MinioNotifications() {}

  /**
   * Parses one Kafka message value. Throws {@link MalformedNotificationException} when the JSON is
   * unreadable or has no records.
   */
  public static MinioNotification parse(String json) {
    if (json == null || json.isBlank()) {
      throw new MalformedNotificationException("empty notification");
    }
    MinioNotification n;
    try {
      n = MAPPER.readValue(json, MinioNotification.class);
    } catch (JsonProcessingException e) {
      throw new MalformedNotificationException(
          "not MinIO notification JSON: " + e.getOriginalMessage(), e);
    }
    if (n == null || n.records() == null || n.records().isEmpty()) {
      throw new MalformedNotificationException("notification has no Records");
    }
    return n;
  }

  public static String toJson(MinioNotification n) {
    try {
      return MAPPER.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The Kafka key MinIO uses: {@code bucket + "/" + objectName}, not escaped. */
  public static String kafkaKey(String bucket, String objectName) {
    return bucket + "/" + objectName;
  }

  /**
   * Builds the notification MinIO would publish for one object change. Used by the local stack's S3
   * server, which has no notification support of its own. {@code size}, {@code etag}, {@code
   * contentType} and {@code userMetadata} are omitted for removals, as MinIO does.
   */
  public static MinioNotification of(
      String eventName,
      String bucket,
      String objectName,
      Long size,
      String etag,
      String contentType,
      Map<String, String> userMetadata,
      Instant eventTime,
      String sequencer) {
    boolean removed = eventName.startsWith("s3:ObjectRemoved:");
    var object =
        new MinioNotification.S3Object(
            S3KeyCodec.encode(objectName),
            removed ? null : size,
            removed ? null : etag,
            removed ? null : contentType,
            removed ? null : userMetadata,
            null,
            sequencer);
    var record =
        new MinioNotification.EventRecord(
            "2.0",
            "minio:s3",
            "",
            DateTimeFormatter.ISO_INSTANT.format(eventTime),
            eventName,
            new MinioNotification.Identity("imgsearch"),
            Map.of("sourceIPAddress", "127.0.0.1"),
            Map.of("x-amz-request-id", sequencer, "x-minio-origin-endpoint", "http://127.0.0.1"),
            new MinioNotification.S3(
                "1.0",
                "Config",
                new MinioNotification.Bucket(
                    bucket, new MinioNotification.Identity("imgsearch"), "arn:aws:s3:::" + bucket),
                object),
            new MinioNotification.Source("127.0.0.1", "", "imgsearch-local"));
    return new MinioNotification(eventName, bucket + "/" + objectName, List.of(record));
  }
}
