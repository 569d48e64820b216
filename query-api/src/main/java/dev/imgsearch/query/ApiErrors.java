package dev.imgsearch.query;

import dev.imgsearch.embedder.image.ImageRejectedException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where exceptions become HTTP statuses and JSON error bodies. */
final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  static final String STORE_UNAVAILABLE = StoreUnavailableException.STORE;
  static final String INTERNAL = "internal-error";

  private ApiErrors() {}

  /** Routes every exception, including Javalin's own 404/405/413, through {@link #of}. */
  static void register(Javalin app) {
    app.exception(HttpResponseException.class, ApiErrors::handle);
    app.exception(Exception.class, ApiErrors::handle);
  }

  /** Maps an exception to its response. Unknown exceptions become a 500 that hides internals. */
  static ApiError of(Throwable e) {
    if (e instanceof InvalidQueryException invalid) {
      return new ApiError(400, invalid.code(), invalid.getMessage());
    }
    if (e instanceof RequestBodyException body) {
      return new ApiError(status(body.kind()), body.kind().code(), body.getMessage());
    }
    if (e instanceof ImageRejectedException rejected) {
      return new ApiError(
          status(rejected.reason()),
          "image-" + rejected.reason().code(),
          "image rejected: " + rejected.getMessage());
    }
    if (e instanceof dev.imgsearch.schemas.watch.InvalidWatchException invalid) {
      return new ApiError(
          400, dev.imgsearch.schemas.watch.InvalidWatchException.REASON, invalid.getMessage());
    }
    if (e instanceof dev.imgsearch.query.watch.WatchesUnavailableException unavailable) {
      return new ApiError(503, unavailable.code(), unavailable.getMessage());
    }
    if (e instanceof NotFoundException notFound) {
      return new ApiError(404, notFound.code(), notFound.getMessage());
    }
    if (e instanceof StoreTimeoutException timeout) {
      return new ApiError(504, timeout.code(), e.getMessage());
    }
    if (e instanceof StoreUnavailableException unavailable) {
      return new ApiError(503, unavailable.code(), e.getMessage());
    }
    if (e instanceof ContentForbiddenException forbidden) {
      return new ApiError(403, ContentForbiddenException.CODE, forbidden.getMessage());
    }
    if (e instanceof ServerBusyException busy) {
      return new ApiError(503, ServerBusyException.CODE, busy.getMessage());
    }
    if (e instanceof AuthException auth) {
      return new ApiError(auth.status(), auth.code(), auth.getMessage());
    }
    if (e
        instanceof
        BadMessageException
            bad) { // Jetty's own refusals, e.g. the minimum data rate, outside a body read
      return bad.getCode() == 408
          ? new ApiError(
              408,
              RequestBodyException.Kind.TOO_SLOW.code(),
              "the request was too slow: " + bad.getReason())
          : new ApiError(
              400, RequestBodyException.Kind.MALFORMED.code(), "bad request: " + bad.getReason());
    }
    if (e instanceof HttpResponseException http) {
      return new ApiError(http.getStatus(), httpCode(http.getStatus()), http.getMessage());
    }
    return new ApiError(500, INTERNAL, "internal error");
  }

  static int status(RequestBodyException.Kind kind) {
    return switch (kind) {
      case MISSING_BODY, MALFORMED -> 400;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_MEDIA_TYPE -> 415;
      case TOO_SLOW -> 408;
    };
  }

  static int status(ImageRejectedException.Reason reason) {
    return switch (reason) {
      case EMPTY -> 400;
      case TOO_LARGE -> 413;
      case UNSUPPORTED_FORMAT -> 415;
      case TOO_MANY_PIXELS, ASPECT_RATIO, RASTER_TOO_LARGE, CORRUPT -> 422;
    };
  }

  private static String httpCode(int status) {
    return switch (status) {
      case 400 -> "bad-request";
      case 401 -> AuthException.UNAUTHORIZED;
      case 403 -> AuthException.FORBIDDEN;
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> RequestBodyException.Kind.TOO_LARGE.code();
      default -> "http-" + status;
    };
  }

  private static void handle(Exception e, Context ctx) {
    ApiError error = of(e);
    if (error.status() >= 500) {
      if (error.status() == 503 || error.status() == 504) {
        LOG.warn("{} {} -> {}: {}", ctx.method(), ctx.path(), error.status(), e.getMessage());
      } else {
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
      }
    }
    if (e instanceof ServerBusyException busy) {
      ctx.header("Retry-After", Long.toString(busy.retryAfterSeconds()));
    }
    if (error.status() == 401) {
      ctx.header("WWW-Authenticate", "ApiKey header=\"" + ApiKeys.HEADER + "\"");
    }
    ctx.status(error.status()).json(error.body());
  }
}
