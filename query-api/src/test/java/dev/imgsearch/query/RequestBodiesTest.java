package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodiesTest {

  @ParameterizedTest
  @ValueSource(strings = {"image/jpeg", "IMAGE/PNG", "image/webp; q=1", "application/octet-stream"})
  void rawImageTypes(String contentType) {
    assertThat(RequestBodies.imageEncoding(contentType)).isEqualTo(RequestBodies.Encoding.RAW);
  }

  @Test
  void multipartType() {
    assertThat(RequestBodies.imageEncoding("multipart/form-data; boundary=xyz"))
        .isEqualTo(RequestBodies.Encoding.MULTIPART);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "text/plain",
        "application/json",
        "application/x-www-form-urlencoded",
        "imagex/png"
      })
  void otherTypesAreUnsupported(String contentType) {
    assertThatThrownBy(() -> RequestBodies.imageEncoding(contentType))
        .isInstanceOfSatisfying(
            RequestBodyException.class,
            e -> assertThat(e.kind()).isEqualTo(RequestBodyException.Kind.UNSUPPORTED_MEDIA_TYPE));
  }

  @Test
  void jsonTypes() {
    assertThat(RequestBodies.isJson(null)).isTrue();
    assertThat(RequestBodies.isJson("application/json; charset=utf-8")).isTrue();
    assertThat(RequestBodies.isJson("application/vnd.query+json")).isTrue();
    assertThat(RequestBodies.isJson("text/plain")).isFalse();
  }

  @Test
  void mediaTypeDropsParameters() {
    assertThat(RequestBodies.mediaType(" Image/JPEG ; foo=bar")).isEqualTo("image/jpeg");
    assertThat(RequestBodies.mediaType(null)).isEmpty();
  }

  @Test
  void aBodyCutOffForSlownessIs408AnythingElseUnreadableIs400() {
    RequestBodyException slow =
        RequestBodies.unreadable(
            "read", new BadMessageException(408, "Request content data rate < 4096 B/s"));
    assertThat(slow.kind()).isEqualTo(RequestBodyException.Kind.TOO_SLOW);
    assertThat(slow.getMessage()).contains("too slowly").contains("4096 B/s");
    assertThat(ApiErrors.status(slow.kind())).isEqualTo(408);

    RequestBodyException idle =
        RequestBodies.unreadable(
            "read", new IOException(new TimeoutException("Idle timeout expired: 30000/30000 ms")));
    assertThat(idle.kind()).isEqualTo(RequestBodyException.Kind.TOO_SLOW);

    RequestBodyException broken =
        RequestBodies.unreadable("could not read the request body", new IOException("reset"));
    assertThat(broken.kind()).isEqualTo(RequestBodyException.Kind.MALFORMED);
    assertThat(broken.getMessage()).isEqualTo("could not read the request body: reset");
    assertThat(RequestBodies.unreadable("x", new BadMessageException(400, "bad chunk")).kind())
        .isEqualTo(RequestBodyException.Kind.MALFORMED);

    RequestBodyException own = new RequestBodyException(RequestBodyException.Kind.TOO_LARGE, "big");
    assertThat(RequestBodies.unreadable("x", own)).isSameAs(own);
  }
}
