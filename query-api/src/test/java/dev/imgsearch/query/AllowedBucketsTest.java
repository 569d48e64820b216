package dev.imgsearch.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedBucketsTest {

  @Test
  void defaultIsTheImagesBucketOnly() {
    AllowedBuckets buckets = AllowedBuckets.defaults();

    assertThat(buckets.allows("images")).isTrue();
    assertThat(buckets.allows("flink")).isFalse();
    assertThat(buckets.allows("milvus")).isFalse();
    assertThat(buckets.allows(null)).isFalse();
    assertThat(buckets.names()).containsExactly("images");
  }

  @Test
  void parsesACommaSeparatedList() {
    AllowedBuckets buckets = AllowedBuckets.parse(" images, archive-2024 ,,cams.eu ");

    assertThat(buckets.names()).containsExactly("archive-2024", "cams.eu", "images");
    assertThat(buckets.allows("archive-2024")).isTrue();
    assertThat(buckets.allows("Images")).as("exact names only").isFalse();
    assertThat(buckets).hasToString("archive-2024,cams.eu,images");
  }

  @Test
  void refusesAnEmptyListAndInvalidNames() {
    assertThatThrownBy(() -> AllowedBuckets.parse(" ")).hasMessageContaining("at least one bucket");
    assertThatThrownBy(() -> AllowedBuckets.parse(",")).hasMessageContaining("at least one bucket");
    assertThatThrownBy(() -> AllowedBuckets.of(List.of()))
        .hasMessageContaining("at least one bucket");
    for (String bad :
        List.of("*", "images/..", "Images", "ab", "-images", "images bucket", "a".repeat(64))) {
      assertThatThrownBy(() -> AllowedBuckets.parse(bad))
          .as(bad)
          .hasMessageContaining("not a valid bucket name");
    }
  }

  @Test
  void checkNamesTheImageTheBucketAndTheAllowedOnes() {
    AllowedBuckets buckets = AllowedBuckets.parse("images,archive");

    assertThatCode(() -> buckets.check("id1", "archive")).doesNotThrowAnyException();
    assertThatThrownBy(() -> buckets.check("id1", "flink"))
        .isInstanceOf(ContentForbiddenException.class)
        .hasMessageContaining("'id1'")
        .hasMessageContaining("'flink'")
        .hasMessageContaining("archive, images");
  }
}
