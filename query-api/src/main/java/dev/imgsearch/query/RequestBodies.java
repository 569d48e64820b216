package dev.imgsearch.query;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Reads request bodies with a hard size limit: a declared Content-Length over the limit is refused
 * before reading, and an undeclared (chunked) body is cut off one byte past the limit.
 */
final class RequestBodies {

  /** Multipart form field that carries the query image. */
  static final String IMAGE_FIELD = "image";

  /** How an upload is encoded, decided from its Content-Type. */
  enum Encoding {
    RAW,
    MULTIPART
  }

  /** Request attribute Jetty reads its multipart limits from. */
  private static final String MULTIPART_CONFIG_ATTRIBUTE = "org.eclipse.jetty.multipartConfig";

  private RequestBodies() {}

  /**
   * Classifies the Content-Type of an image upload: {@code image/*} and {@code
   * application/octet-stream} are raw bytes, {@code multipart/form-data} carries the image in field
   * {@value #IMAGE_FIELD}.
   *
   * @throws RequestBodyException {@code UNSUPPORTED_MEDIA_TYPE} for anything else, including no
   *     Content-Type
   */
  static Encoding imageEncoding(String contentType) {
    String mediaType = mediaType(contentType);
    if (mediaType.startsWith("image/") || mediaType.equals("application/octet-stream")) {
      return Encoding.RAW;
    }
    if (mediaType.equals("multipart/form-data")) {
      return Encoding.MULTIPART;
    }
    throw new RequestBodyException(
        RequestBodyException.Kind.UNSUPPORTED_MEDIA_TYPE,
        "send the image with Content-Type image/*, application/octet-stream or multipart/form-data (field '"
            + IMAGE_FIELD
            + "'), got "
            + (mediaType.isEmpty() ? "no Content-Type" : "'" + mediaType + "'"));
  }

  /**
   * Whether a JSON body may carry this Content-Type: {@code application/json}, {@code *+json}, or
   * none at all.
   */
  static boolean isJson(String contentType) {
    String mediaType = mediaType(contentType);
    return mediaType.isEmpty()
        || mediaType.equals("application/json")
        || mediaType.endsWith("+json");
  }

  /** The lower-cased type/subtype of a Content-Type header, without parameters; empty if absent. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /** The encoded query image from a raw or multipart body. */
  static byte[] image(Context ctx, long maxBytes) {
    return switch (imageEncoding(ctx.contentType())) {
      case RAW -> raw(ctx.req(), maxBytes);
      case MULTIPART -> multipartImage(ctx.req(), maxBytes);
    };
  }

  /** A JSON body's bytes. */
  static byte[] json(Context ctx, long maxBytes) {
    if (!isJson(ctx.contentType())) {
      throw new RequestBodyException(
          RequestBodyException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "send JSON with Content-Type application/json, got '"
              + mediaType(ctx.contentType())
              + "'");
    }
    return raw(ctx.req(), maxBytes);
  }

  private static byte[] raw(HttpServletRequest req, long maxBytes) {
    checkDeclaredLength(req, maxBytes);
    byte[] body;
    try (InputStream in = req.getInputStream()) {
      body = in.readNBytes(Math.toIntExact(maxBytes + 1));
    } catch (IOException | RuntimeException e) {
      throw unreadable("could not read the request body", e);
    }
    if (body.length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    if (body.length == 0) {
      throw new RequestBodyException(
          RequestBodyException.Kind.MISSING_BODY, "the request body is empty");
    }
    return body;
  }

  private static byte[] multipartImage(HttpServletRequest req, long maxBytes) {
    long maxRequest = maxBytes + QueryApiOptions.MULTIPART_OVERHEAD_BYTES;
    checkDeclaredLength(req, maxRequest);
    int inMemory = Math.toIntExact(maxBytes + 1);
    req.setAttribute(
        MULTIPART_CONFIG_ATTRIBUTE,
        new MultipartConfigElement(
            System.getProperty("java.io.tmpdir"), maxBytes, maxRequest, inMemory));
    Part part;
    try {
      part = req.getPart(IMAGE_FIELD);
    } catch (IllegalStateException e) {
      // Jetty signals "exceeds max filesize" / "exceeds maxRequestSize" this way.
      throw tooLarge(maxBytes);
    } catch (IOException | ServletException | RuntimeException e) {
      throw unreadable("malformed multipart body", e);
    }
    if (part == null) {
      throw new RequestBodyException(
          RequestBodyException.Kind.MISSING_BODY,
          "multipart field '" + IMAGE_FIELD + "' is missing");
    }
    if (part.getSize() > maxBytes) {
      throw tooLarge(maxBytes);
    }
    try (InputStream in = part.getInputStream()) {
      byte[] image = in.readAllBytes();
      if (image.length == 0) {
        throw new RequestBodyException(
            RequestBodyException.Kind.MISSING_BODY,
            "multipart field '" + IMAGE_FIELD + "' is empty");
      }
      return image;
    } catch (IOException | RuntimeException e) {
      throw unreadable("could not read multipart field '" + IMAGE_FIELD + "'", e);
    }
  }

  /**
   * A failed body read: 408 {@code request-timeout} when Jetty cut the body off for arriving too
   * slowly (minimum data rate) or stalling (idle timeout), else 400 {@code malformed-body}. Our own
   * RequestBodyExceptions pass unchanged.
   */
  /**
   * A JSON body as a {@code type} (null for a JSON {@code null}).
   *
   * @throws InvalidQueryException {@code invalid-json} when the body is not that JSON
   * @throws RequestBodyException when the body cannot be read
   */
  static <T> T readJson(ObjectMapper mapper, byte[] body, Class<T> type) {
    try {
      return mapper.readValue(body, type);
    } catch (JacksonException e) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_JSON, "invalid JSON body: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new RequestBodyException(
          RequestBodyException.Kind.MALFORMED, "could not read the JSON body", e);
    }
  }

  /**
   * The JSON body of {@code ctx} (at most {@code maxBytes}) as a {@code type} whose field {@code
   * field}, read by {@code value}, is present.
   *
   * @throws InvalidQueryException {@code invalid-parameter} when the body is JSON {@code null} or
   *     lacks the field; {@code invalid-json} when it is not that JSON
   */
  static <T> T readJsonWith(
      Context ctx,
      ObjectMapper mapper,
      long maxBytes,
      Class<T> type,
      String field,
      Function<T, Object> value) {
    T body = readJson(mapper, json(ctx, maxBytes), type);
    if (body == null || value.apply(body) == null) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "field '" + field + "' is required");
    }
    return body;
  }

  static RequestBodyException unreadable(String what, Throwable e) {
    if (e instanceof RequestBodyException own) {
      return own;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if ((t instanceof BadMessageException bad && bad.getCode() == 408)
          || t instanceof TimeoutException) {
        return new RequestBodyException(
            RequestBodyException.Kind.TOO_SLOW,
            "the request body arrived too slowly and was cut off: "
                + (t.getMessage() == null ? what : t.getMessage()),
            e);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return new RequestBodyException(
        RequestBodyException.Kind.MALFORMED, what + ": " + e.getMessage(), e);
  }

  private static void checkDeclaredLength(HttpServletRequest req, long maxBytes) {
    if (req.getContentLengthLong() > maxBytes) {
      throw tooLarge(maxBytes);
    }
  }

  private static RequestBodyException tooLarge(long maxBytes) {
    return new RequestBodyException(
        RequestBodyException.Kind.TOO_LARGE,
        "the request body exceeds the limit of " + maxBytes + " bytes");
  }
}
