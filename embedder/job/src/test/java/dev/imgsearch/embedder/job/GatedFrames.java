package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.gate.SceneGate;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.model.OnnxOptions;
import dev.imgsearch.schemas.ImageIds;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Camera frames for the scene-change gating tests: the vtest fixture frames 501–506 (test resources
 * {@code vtest/}: 501–503 one scene, a person entering from 504), published as events of a source,
 * fetched from a map.
 */
final class GatedFrames {
  /** The objects, by {@code bucket/key}; shared with fetchers created by {@link #FETCHER}. */
  static final Map<String, byte[]> OBJECTS = new ConcurrentHashMap<>();

  static final ObjectFetcher.Factory FETCHER =
      () -> (bucket, key) -> Optional.ofNullable(OBJECTS.get(bucket + "/" + key));

  private GatedFrames() {}

  /**
   * An operator embedding the objects of {@link #FETCHER} with the default model, decode limits and
   * ONNX options and no detection: batches of {@code batchSize} or what {@code maxDelay} gathers,
   * decoded on {@code decodeThreads} threads, gated by {@code gate}.
   */
  static EmbedOperator operator(
      int batchSize, Duration maxDelay, int decodeThreads, SceneGate.Settings gate) {
    return new EmbedOperator(
        new EmbedOperator.Config(
            FETCHER,
            "nsfwjs-mobilenetv2-b13",
            DecodeLimits.DEFAULT,
            OnnxOptions.DEFAULT,
            batchSize,
            maxDelay,
            decodeThreads,
            gate,
            DetectSettings.NONE));
  }

  static byte[] frame(int n) {
    try (InputStream in =
        GatedFrames.class.getResourceAsStream(String.format("/vtest/%04d.jpg", n))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key of frame {@code n} of {@code source}, its object put in {@link #OBJECTS}. */
  static String put(String source, int n) {
    String key = (source == null ? "none" : source) + "/" + n + ".jpg";
    OBJECTS.put("images/" + key, frame(n));
    return key;
  }

  /**
   * A created-image event for frame {@code n} of {@code source} (null: none), captured at {@code n
   * × 100} ms.
   */
  static KafkaRecord created(String source, int n, long offset) {
    String key = put(source, n);
    ImageEvent e =
        event(ImageEventType.CREATED, key, offset)
            .setSource(source)
            .setCapturedAtMillis(n * 100L)
            .setTags(List.of("gate"))
            .build();
    return record(e, offset);
  }

  static KafkaRecord deleted(String source, int n, long offset) {
    String key = (source == null ? "none" : source) + "/" + n + ".jpg";
    return record(event(ImageEventType.DELETED, key, offset).build(), offset);
  }

  /** An event of {@code images/key} at the time of {@code offset}. */
  static ImageEvent.Builder event(ImageEventType type, String key, long offset) {
    return ImageEvent.newBuilder()
        .setImageId(ImageIds.of("images", key))
        .setType(type)
        .setBucket("images")
        .setKey(key)
        .setEventTimeMillis(1_000_000 + offset);
  }

  static String id(String source, int n) {
    return ImageIds.of("images", (source == null ? "none" : source) + "/" + n + ".jpg");
  }

  static KafkaRecord record(ImageEvent e, long offset) {
    byte[] value = Topics.IMAGE_EVENTS.valueSerde().serializer().serialize("t", e);
    return new KafkaRecord("t", 0, offset, e.getImageId().getBytes(), value);
  }
}
