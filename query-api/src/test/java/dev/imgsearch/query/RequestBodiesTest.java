package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  @ValueSource(strings = {"text/plain", "application/json", "application/x-www-form-urlencoded", "imagex/png"})
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
}
