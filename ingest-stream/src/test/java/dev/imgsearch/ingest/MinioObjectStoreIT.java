package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the real S3 server and the MinIO SDK answer, as {@link ObjectStoreFailures} classifies it:
 * the SDK's exceptions become {@link ObjectStoreErrorResponse} with status and S3 code.
 */
class MinioObjectStoreIT extends BrokerPerClass {
  static S3ServerProcess s3;

  @BeforeAll
  static void start() {
    s3 =
        S3ServerProcess.start(
            dir.resolve("s3"),
            0,
            "it",
            "it-secret-key",
            broker.bootstrapServers(),
            "store-it.minio-events",
            "images");
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  private static Throwable put(
      MinioObjectStore store, String bucket, String key, Map<String, String> meta) {
    return catchThrowable(() -> store.put(bucket, key, new byte[] {1, 2, 3}, "image/jpeg", meta));
  }

  @Test
  void aWriteSucceedsAndItsEtagIsMd5() throws Exception {
    var w =
        MinioObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey())
            .put(
                "images", "cam/a.jpg", new byte[] {1, 2, 3}, "image/jpeg", Map.of("source", "cam"));
    assertThat(w.etag()).isEqualTo(IngestTopologyTest.md5(new byte[] {1, 2, 3}));
  }

  @Test
  void metadataTheServerCannotVerifyIsRefusedBeforeTheRequestAsPermanent() {
    var store = MinioObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey());
    for (String tags : new String[] {"door\rnight", "caméra"}) {
      Throwable t = put(store, "images", "cam/b.jpg", Map.of("tags", tags));
      assertThat(t).as(tags).isNotNull();
      // sent as they are, the server would answer SignatureDoesNotMatch (403), which must stay an
      // outage (wrong secret)
      assertThat(t)
          .as(tags)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("user metadata 'tags'");
      assertThat(ObjectStoreFailures.classify(t).kind())
          .as(t.toString())
          .isEqualTo(ObjectStoreFailures.Kind.PERMANENT);
    }
  }

  @Test
  void aMissingBucketOrAWrongSecretIsASettingRetriedAsAnOutage() {
    var store = MinioObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey());
    Throwable missing = put(store, "no-such-bucket", "cam/c.jpg", Map.of());
    assertThat(missing).isInstanceOf(ObjectStoreErrorResponse.class);
    assertThat(((ObjectStoreErrorResponse) missing).status()).isEqualTo(404);
    assertThat(((ObjectStoreErrorResponse) missing).code()).isEqualTo("NoSuchBucket");
    assertThat(ObjectStoreFailures.classify(missing).kind())
        .isEqualTo(ObjectStoreFailures.Kind.TRANSIENT);

    Throwable wrongSecret =
        put(
            MinioObjectStore.connect(s3.endpoint(), s3.accessKey(), "wrong-secret"),
            "images",
            "cam/d.jpg",
            Map.of());
    assertThat(wrongSecret).isInstanceOf(ObjectStoreErrorResponse.class);
    assertThat(((ObjectStoreErrorResponse) wrongSecret).status()).isEqualTo(403);
    assertThat(ObjectStoreFailures.classify(wrongSecret).kind())
        .as(wrongSecret.toString())
        .isEqualTo(ObjectStoreFailures.Kind.TRANSIENT);
  }

  @Test
  void aStoppedServerIsAConnectionErrorRetriedAsAnOutage() {
    var store = MinioObjectStore.connect("http://127.0.0.1:1", "it", "it-secret-key");
    Throwable t = put(store, "images", "cam/e.jpg", Map.of());
    assertThat(ObjectStoreFailures.classify(t).kind())
        .as(String.valueOf(t))
        .isEqualTo(ObjectStoreFailures.Kind.TRANSIENT);
  }
}
