package dev.imgsearch.ingest;

import static dev.imgsearch.ingest.ObjectStoreFailures.Kind.PERMANENT;
import static dev.imgsearch.ingest.ObjectStoreFailures.Kind.TRANSIENT;
import static dev.imgsearch.ingest.ObjectStoreFailures.Kind.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ObjectStoreFailuresTest {
  @ParameterizedTest
  @CsvSource({
    // the request itself is refused: the same frame will be refused again
    "400, InvalidArgument, PERMANENT",
    "400, MetadataTooLarge, PERMANENT",
    "400, InvalidObjectName, PERMANENT",
    "400, KeyTooLongError, PERMANENT",
    "411, MissingContentLength, PERMANENT",
    "413, EntityTooLarge, PERMANENT",
    "400, , PERMANENT",
    // throttled, or the server is unwell: the same request later will do
    "429, , TRANSIENT",
    "503, SlowDown, TRANSIENT",
    "503, ServiceUnavailable, TRANSIENT",
    "400, SlowDown, TRANSIENT",
    "400, Throttling, TRANSIENT",
    "400, RequestTimeout, TRANSIENT",
    "408, , TRANSIENT",
    "500, InternalError, TRANSIENT",
    "502, , TRANSIENT",
    "504, , TRANSIENT",
    // the store's settings, not the frame: every frame would fail alike, so it is treated as an
    // outage
    "404, NoSuchBucket, TRANSIENT",
    "403, InvalidAccessKeyId, TRANSIENT",
    "403, SignatureDoesNotMatch, TRANSIENT",
    "403, AccessDenied, TRANSIENT",
    "400, InvalidBucketName, TRANSIENT",
    "403, RequestTimeTooSkewed, TRANSIENT",
    "400, ExpiredToken, TRANSIENT",
    // neither
    "301, PermanentRedirect, UNKNOWN",
    "0, , UNKNOWN",
  })
  void errorResponsesByStatusAndCode(int status, String code, ObjectStoreFailures.Kind kind) {
    var c = ObjectStoreFailures.classify(new ObjectStoreErrorResponse(status, code, "msg"));
    assertThat(c.kind()).isEqualTo(kind);
    assertThat(c.detail()).contains("HTTP " + status);
    if (code != null) {
      assertThat(c.detail()).contains(code);
    }
  }

  @Test
  void connectionProblemsAreTransientAlsoWhenWrapped() {
    for (Exception e :
        new Exception[] {
          new ConnectException("refused"),
          new SocketTimeoutException("read timed out"),
          new UnknownHostException("s3"),
          new EOFException(),
          new IOException("reset"),
          new Exception("sdk wrapper", new ConnectException("refused"))
        }) {
      assertThat(ObjectStoreFailures.classify(e).kind()).as(e.toString()).isEqualTo(TRANSIENT);
    }
  }

  @Test
  void invalidArgumentsArePermanent() {
    // what OkHttp throws for a header value it cannot send, what the SDK's builders throw for a bad
    // name
    var c =
        ObjectStoreFailures.classify(
            new IllegalArgumentException("Unexpected char 0x0d at 4 in x-amz-meta-tags value"));
    assertThat(c.kind()).isEqualTo(PERMANENT);
    assertThat(c.detail()).contains("Unexpected char 0x0d");
    assertThat(
            ObjectStoreFailures.classify(new RuntimeException(new IllegalArgumentException("x")))
                .kind())
        .isEqualTo(PERMANENT);
  }

  @Test
  void anErrorResponseWinsOverItsWrapperAndAnythingElseIsUnknown() {
    assertThat(
            ObjectStoreFailures.classify(
                    new IOException(
                        "wrapped", new ObjectStoreErrorResponse(400, "InvalidArgument", "m")))
                .kind())
        .isEqualTo(PERMANENT);
    assertThat(ObjectStoreFailures.classify(new IllegalStateException("odd")).kind())
        .isEqualTo(UNKNOWN);
    assertThat(ObjectStoreFailures.classify(new NullPointerException()).kind()).isEqualTo(UNKNOWN);
    // a cause cycle does not hang
    var a = new Exception("a");
    var b = new Exception("b", a);
    a.initCause(b);
    assertThat(ObjectStoreFailures.classify(a).kind()).isEqualTo(UNKNOWN);
  }

  @Test
  void nonXmlResponsesKeepTheirStatus() {
    assertThat(
            ObjectStoreFailures.statusOfNonXmlResponse(
                "Non-XML response from server. Response code: 502, Content-Type: text/html, body: x"))
        .isEqualTo(502);
    assertThat(ObjectStoreFailures.statusOfNonXmlResponse("something else")).isEqualTo(0);
  }
}
