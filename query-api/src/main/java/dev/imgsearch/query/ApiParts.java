package dev.imgsearch.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.util.function.Function;

/**
 * What the endpoint classes share, built once in {@link QueryApi#create}: the service, the JSON
 * settings, the options (body limit, link expiry) and the permits for the work on an uploaded
 * image.
 *
 * @param decodes permits for the work on an uploaded image (decode, model, hash); taken after the
 *     body is read, so a slow upload holds none
 */
record ApiParts(
    QueryService service, ObjectMapper mapper, QueryApiOptions options, PermitPool decodes) {

  /** The image body of {@code ctx}, at most the options' body limit. */
  byte[] image(Context ctx) {
    return RequestBodies.image(ctx, options.maxBodyBytes());
  }

  /** The JSON body of {@code ctx}, at most the options' body limit. */
  byte[] json(Context ctx) {
    return RequestBodies.json(ctx, options.maxBodyBytes());
  }

  /** {@link RequestBodies#readJsonWith} with this API's mapper and body limit. */
  <T> T readJsonWith(Context ctx, Class<T> type, String field, Function<T, Object> value) {
    return RequestBodies.readJsonWith(ctx, mapper, options.maxBodyBytes(), type, field, value);
  }

  /** The download URL of a stored image, valid for the options' presign expiry. */
  String resultUrl(String id, String bucket, String key) {
    return service.resultUrl(id, bucket, key, options.presignExpiry());
  }
}
