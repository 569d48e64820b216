package dev.imgsearch.embedder.job;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The key the gated embedding step is partitioned by: {@code source:<source>} for an image event
 * naming a source, so that all frames of a camera (and its deletions that name it) meet one scene
 * state; {@code image:<id>} for events without a source; the record's position for a value that is
 * not an image event (it only becomes a dead letter).
 */
public final class SceneKey implements KeySelector<KafkaRecord, String> {
  private static final long serialVersionUID = 1L;

  private transient Deserializer<ImageEvent> deserializer;

  /** The key of a source's scene state. */
  public static String ofSource(String source) {
    return "source:" + source;
  }

  @Override
  public String getKey(KafkaRecord record) {
    if (deserializer == null) {
      deserializer = Topics.IMAGE_EVENTS.valueSerde().deserializer();
    }
    ImageEvent e;
    try {
      e = deserializer.deserialize(record.topic, record.value);
    } catch (RuntimeException undecodable) {
      e = null;
    }
    if (e == null) {
      return "record:" + record.partition + ":" + record.offset;
    }
    if (e.getSource() != null && !e.getSource().isEmpty()) {
      return ofSource(e.getSource());
    }
    return "image:" + e.getImageId();
  }
}
