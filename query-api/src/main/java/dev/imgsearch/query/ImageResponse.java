package dev.imgsearch.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * JSON body of {@code GET /v1/images/{id}}: the stored metadata and a download URL.
 *
 * @param url presigned object-store URL, or this API's {@code /v1/images/{id}/content}
 * @param urlExpiresAt when a presigned URL stops working (ISO-8601); absent for the content path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ImageResponse(
    String id,
    String bucket,
    String key,
    String source,
    String capturedAt,
    List<String> tags,
    String model,
    String url,
    String urlExpiresAt) {

  static ImageResponse from(QueryService.ImageDetails details) {
    var r = details.record();
    Long expires = details.url().expiresAtMillis();
    return new ImageResponse(
        r.id(),
        r.bucket(),
        r.key(),
        r.source(),
        Instant.ofEpochMilli(r.capturedAtMillis()).toString(),
        r.tags(),
        r.model(),
        details.url().url(),
        expires == null ? null : Instant.ofEpochMilli(expires).toString());
  }
}
