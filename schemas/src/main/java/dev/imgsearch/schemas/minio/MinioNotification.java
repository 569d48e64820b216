package dev.imgsearch.schemas.minio;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The value MinIO's Kafka notification target publishes: {@code
 * {"EventName","Key","Records":[...]}}. Top-level names are capitalised; each record follows the
 * AWS S3 event message structure (eventVersion 2.0). Record keys ({@code s3.object.key}) are
 * URL-query-escaped; use {@link S3KeyCodec#decode} or {@link EventRecord#decodedKey()}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MinioNotification(
    @JsonProperty("EventName") String eventName,
    @JsonProperty("Key") String key,
    @JsonProperty("Records") List<EventRecord> records) {

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EventRecord(
      String eventVersion,
      String eventSource,
      String awsRegion,
      String eventTime,
      String eventName,
      Identity userIdentity,
      Map<String, String> requestParameters,
      Map<String, String> responseElements,
      S3 s3,
      Source source) {

    /** The object key with MinIO's query escaping undone. */
    public String decodedKey() {
      return s3 == null || s3.object() == null ? null : S3KeyCodec.decode(s3.object().key());
    }

    public String bucketName() {
      return s3 == null || s3.bucket() == null ? null : s3.bucket().name();
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Identity(String principalId) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record S3(
      String s3SchemaVersion, String configurationId, Bucket bucket, S3Object object) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Bucket(String name, Identity ownerIdentity, String arn) {}

  /**
   * {@code size}, {@code eTag}, {@code contentType} and {@code userMetadata} are absent on delete
   * events.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record S3Object(
      String key,
      Long size,
      String eTag,
      String contentType,
      Map<String, String> userMetadata,
      String versionId,
      String sequencer) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(String host, String port, String userAgent) {}
}
