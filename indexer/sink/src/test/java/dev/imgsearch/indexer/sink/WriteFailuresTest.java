package dev.imgsearch.indexer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.sink.WriteFailures.Kind;
import dev.imgsearch.indexer.store.RecordRejectedException;
import dev.imgsearch.schemas.FieldLimits;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class WriteFailuresTest {
  @Test
  void outagesAreTransient() {
    assertThat(
            WriteFailures.classify(new MilvusClientException(ErrorCode.RPC_ERROR, "UNAVAILABLE")))
        .isEqualTo(Kind.TRANSIENT);
    assertThat(WriteFailures.classify(new RuntimeException(new ConnectException("refused"))))
        .isEqualTo(Kind.TRANSIENT);
  }

  @Test
  void refusalsOfWhatWasSentArePermanent() {
    RecordRejectedException named =
        new RecordRejectedException("img-1", FieldLimits.REASON, "40 tags, at most 32");
    assertThat(WriteFailures.classify(named)).isEqualTo(Kind.REFUSED);
    assertThat(WriteFailures.classify(new RuntimeException("wrapped", named)))
        .isEqualTo(Kind.REFUSED);
    assertThat(WriteFailures.rejectedRecord(new RuntimeException("wrapped", named)))
        .isSameAs(named);
    assertThat(WriteFailures.reason(new RuntimeException("wrapped", named)))
        .isEqualTo(FieldLimits.REASON);
    MilvusClientException invalid =
        new MilvusClientException(ErrorCode.INVALID_PARAMS, "length exceeds max length");
    assertThat(WriteFailures.classify(invalid)).isEqualTo(Kind.REFUSED);
    assertThat(WriteFailures.reason(invalid)).isEqualTo(WriteFailures.STORE_REJECTED);
    assertThat(WriteFailures.rejectedRecord(invalid)).isNull();
  }

  @Test
  void everythingElseIsUnknown() {
    IllegalStateException odd = new IllegalStateException("odd", new Exception());
    assertThat(WriteFailures.classify(odd)).isEqualTo(Kind.UNKNOWN);
    assertThat(
            WriteFailures.classify(
                new MilvusClientException(ErrorCode.SERVER_ERROR, "segment error")))
        .isEqualTo(Kind.UNKNOWN);
    assertThat(WriteFailures.reason(odd)).isEqualTo(WriteFailures.STORE_ERROR);
  }
}
