package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.image.ImageRejectedException.Reason;
import io.javalin.http.NotFoundResponse;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {

  @Test
  void mapsQueryAndBodyErrors() {
    assertThat(ApiErrors.of(new InvalidQueryException("wrong-dimension", "m")))
        .isEqualTo(new ApiError(400, "wrong-dimension", "m"));
    assertThat(
            ApiErrors.of(new RequestBodyException(RequestBodyException.Kind.MISSING_BODY, "m"))
                .status())
        .isEqualTo(400);
    assertThat(
            ApiErrors.of(new RequestBodyException(RequestBodyException.Kind.MALFORMED, "m"))
                .status())
        .isEqualTo(400);
    assertThat(ApiErrors.of(new RequestBodyException(RequestBodyException.Kind.TOO_LARGE, "m")))
        .isEqualTo(new ApiError(413, "payload-too-large", "m"));
    assertThat(
            ApiErrors.of(
                new RequestBodyException(RequestBodyException.Kind.UNSUPPORTED_MEDIA_TYPE, "m")))
        .isEqualTo(new ApiError(415, "unsupported-media-type", "m"));
  }

  @Test
  void mapsEveryRejectionReasonToA4xx() {
    assertThat(ApiErrors.of(new ImageRejectedException(Reason.EMPTY, "m")).status()).isEqualTo(400);
    assertThat(ApiErrors.of(new ImageRejectedException(Reason.TOO_LARGE, "m")).status())
        .isEqualTo(413);
    assertThat(ApiErrors.of(new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "m")).status())
        .isEqualTo(415);
    assertThat(ApiErrors.of(new ImageRejectedException(Reason.TOO_MANY_PIXELS, "m")).status())
        .isEqualTo(422);
    assertThat(ApiErrors.of(new ImageRejectedException(Reason.CORRUPT, "m")))
        .isEqualTo(new ApiError(422, "image-corrupt", "image rejected: m"));
    for (Reason reason : Reason.values()) {
      assertThat(ApiErrors.status(reason)).isBetween(400, 499);
    }
  }

  @Test
  void mapsLookupsStoresAndFrameworkErrors() {
    assertThat(ApiErrors.of(NotFoundException.image("abc")).status()).isEqualTo(404);
    assertThat(ApiErrors.of(NotFoundException.content("abc")).code())
        .isEqualTo("content-not-found");
    assertThat(ApiErrors.of(new StoreUnavailableException("down", null)))
        .isEqualTo(new ApiError(503, "store-unavailable", "down"));
    assertThat(ApiErrors.of(new NotFoundResponse("nope")))
        .isEqualTo(new ApiError(404, "not-found", "nope"));
  }

  @Test
  void mapsAuthAndModelFailures() {
    assertThat(ApiErrors.of(AuthException.missing()).status()).isEqualTo(401);
    assertThat(ApiErrors.of(AuthException.missing()).code()).isEqualTo("unauthorized");
    assertThat(ApiErrors.of(AuthException.rejected()).status()).isEqualTo(403);
    assertThat(ApiErrors.of(AuthException.rejected()).code()).isEqualTo("forbidden");
    assertThat(
            ApiErrors.of(new StoreUnavailableException(StoreUnavailableException.MODEL, "m", null)))
        .isEqualTo(new ApiError(503, "model-unavailable", "m"));
  }

  @Test
  void bodyHasTheNestedErrorShape() {
    var json =
        QueryApi.objectMapper().valueToTree(new ApiError(400, "invalid-parameter", "bad k").body());

    assertThat(json.toString())
        .isEqualTo("{\"error\":{\"code\":\"invalid-parameter\",\"message\":\"bad k\"}}");
  }

  @Test
  void hidesUnexpectedExceptions() {
    assertThat(ApiErrors.of(new IllegalStateException("secret detail")))
        .isEqualTo(new ApiError(500, "internal-error", "internal error"));
  }

  @Test
  void jettyRefusalsAreClientErrorsNot500() {
    ApiError slow =
        ApiErrors.of(new BadMessageException(408, "Request content data rate < 4096 B/s"));
    assertThat(slow.status()).isEqualTo(408);
    assertThat(slow.code()).isEqualTo("request-timeout");
    ApiError bad = ApiErrors.of(new BadMessageException(400, "bad chunk"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("malformed-body");
  }

  @Test
  void busyIs503AndForbiddenContentIs403() {
    assertThat(ApiErrors.of(new ServerBusyException("busy", 2)))
        .isEqualTo(new ApiError(503, "server-busy", "busy"));
    assertThat(ApiErrors.of(new ContentForbiddenException("not served")))
        .isEqualTo(new ApiError(403, "content-forbidden", "not served"));
  }
}
