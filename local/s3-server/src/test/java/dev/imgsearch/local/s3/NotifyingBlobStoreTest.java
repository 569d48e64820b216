package dev.imgsearch.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.imgsearch.schemas.minio.MinioNotification;
import dev.imgsearch.schemas.minio.MinioNotifications;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

class NotifyingBlobStoreTest {
  private final List<String> keys = new ArrayList<>();
  private final List<MinioNotification> published = new ArrayList<>();
  private final NotifyingBlobStore store =
      new NotifyingBlobStore(
          new TransientNio2BlobStore(),
          (key, json) -> {
            keys.add(key);
            published.add(MinioNotifications.parse(json));
          });

  @Test
  void putThenDeletePublishesCreatedAndRemoved() {
    store.createContainer("b");
    store.putBlob(
        PutObjectRequest.builder()
            .bucket("b")
            .key("dir/a b.png")
            .contentType("image/png")
            .contentLength(3L)
            .metadata(Map.of("upload-id", "u1", "s3proxy_checksum_crc32c", "+tlnqA=="))
            .build(),
        new ByteArrayInputStream(new byte[] {1, 2, 3}));
    store.removeBlob(DeleteObjectRequest.builder().bucket("b").key("dir/a b.png").build());

    assertThat(keys).containsExactly("b/dir/a b.png", "b/dir/a b.png");
    MinioNotification.S3Object created = published.get(0).records().get(0).s3().object();
    assertThat(published.get(0).eventName()).isEqualTo(MinioNotifications.OBJECT_CREATED_PUT);
    assertThat(created.key()).isEqualTo("dir%2Fa+b.png");
    assertThat(created.size()).isEqualTo(3L);
    assertThat(created.eTag())
        .isEqualTo("5289df737df57326fcdd22597afb1fac"); // md5 of {1,2,3}, unquoted
    // Sorted as Go sorts map keys; S3Proxy's checksum bookkeeping is left out.
    assertThat(created.userMetadata())
        .containsExactly(entry("X-Amz-Meta-Upload-Id", "u1"), entry("content-type", "image/png"));
    assertThat(published.get(1).eventName()).isEqualTo(MinioNotifications.OBJECT_REMOVED_DELETE);
    assertThat(published.get(1).records().get(0).s3().object().eTag()).isNull();
  }

  @Test
  void multipartStubsAreNotReported() {
    store.createContainer("b");
    String stub = NotifyingBlobStore.MULTIPART_STUB_PREFIX + "123";
    store.putBlob(
        PutObjectRequest.builder().bucket("b").key(stub).contentLength(0L).build(),
        new ByteArrayInputStream(new byte[0]));
    store.removeBlob(DeleteObjectRequest.builder().bucket("b").key(stub).build());

    assertThat(published).isEmpty();
  }

  @Test
  void headerNamesAreCanonicalizedLikeGo() {
    assertThat(NotifyingBlobStore.canonicalHeaderName("x-amz-meta-source"))
        .isEqualTo("X-Amz-Meta-Source");
    assertThat(NotifyingBlobStore.canonicalHeaderName("X-AMZ-META-CAMERA-ID"))
        .isEqualTo("X-Amz-Meta-Camera-Id");
    assertThat(NotifyingBlobStore.unquote("\"abc\"")).isEqualTo("abc");
    assertThat(NotifyingBlobStore.unquote("abc-2")).isEqualTo("abc-2");
  }
}
