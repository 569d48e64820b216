package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.embedder.model.OnnxOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the stage tests without Flink: the default model loaded once per test class, and an
 * in-memory object store ({@link #objects}, keyed {@code bucket/key}) behind {@link #fetcher}.
 */
abstract class EmbedderPerClass {
  static OnnxImageEmbedder embedder;
  final Map<String, byte[]> objects = new HashMap<>();
  final ObjectFetcher fetcher =
      (bucket, key) -> Optional.ofNullable(objects.get(bucket + "/" + key));

  @BeforeAll
  static void loadEmbedder() {
    embedder =
        OnnxImageEmbedder.fromClasspath(
            "nsfwjs-mobilenetv2-b13", DecodeLimits.DEFAULT, OnnxOptions.DEFAULT);
  }

  @AfterAll
  static void closeEmbedder() {
    embedder.close();
  }
}
