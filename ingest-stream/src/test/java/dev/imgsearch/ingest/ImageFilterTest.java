package dev.imgsearch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageFilterTest {
  @Test
  void defaultAdmitsImagesByTypeThenByExtensionWhenTheTypeIsGeneric() {
    ImageFilter f = ImageFilter.IMAGES;
    assertThat(f.rejectCreated("b", "x.bin", "image/png")).isNull();
    assertThat(f.rejectCreated("b", "x.bin", "IMAGE/PNG; charset=binary")).isNull();
    assertThat(f.rejectCreated("b", "x.JPG", "application/octet-stream")).isNull();
    assertThat(f.rejectCreated("b", "x.webp", null)).isNull();
    assertThat(f.rejectCreated("b", "x.jpg", "text/plain")).isEqualTo(ImageFilter.SKIP_NOT_IMAGE);
    assertThat(f.rejectCreated("b", "notes.txt", "")).isEqualTo(ImageFilter.SKIP_NOT_IMAGE);
    assertThat(f.rejectRemoved("b", "notes.txt")).isNull();
  }

  @Test
  void bucketPrefixSuffixAndExactContentTypeRules() {
    ImageFilter f =
        ImageFilter.of("cams, feeds", "front/,back/", ".JPG,.png", "image/jpeg, image/png");
    assertThat(f.rejectCreated("cams", "front/a.jpg", "image/jpeg")).isNull();
    assertThat(f.rejectCreated("feeds", "back/a.PNG", "image/png")).isNull();
    assertThat(f.rejectCreated("other", "front/a.jpg", "image/jpeg"))
        .isEqualTo(ImageFilter.SKIP_BUCKET);
    assertThat(f.rejectCreated("cams", "side/a.jpg", "image/jpeg"))
        .isEqualTo(ImageFilter.SKIP_PREFIX);
    assertThat(f.rejectCreated("cams", "front/a.gif", "image/gif"))
        .isEqualTo(ImageFilter.SKIP_SUFFIX);
    assertThat(f.rejectCreated("cams", "front/a.jpg", "image/webp"))
        .isEqualTo(ImageFilter.SKIP_NOT_IMAGE);
    assertThat(f.rejectRemoved("cams", "side/a.jpg")).isEqualTo(ImageFilter.SKIP_PREFIX);
    assertThat(f.rejectRemoved("cams", "front/a.jpg")).isNull();
  }

  @Test
  void emptyContentTypeListAdmitsAnything() {
    assertThat(ImageFilter.of("", "", "", "").rejectCreated("b", "a.txt", "text/plain")).isNull();
  }

  @Test
  void malformedContentTypePatternsFailFast() {
    assertThatThrownBy(() -> ImageFilter.of("", "", "", "image"))
        .hasMessageContaining("filter.content-types");
    assertThatThrownBy(() -> ImageFilter.of("", "", "", "im*/png"))
        .hasMessageContaining("filter.content-types");
  }
}
