package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  @Test
  void imageEventRoundTrips() {
    ImageEvent e =
        ImageEvent.newBuilder()
            .setImageId(ImageIds.of("images", "a.jpg"))
            .setType(ImageEventType.CREATED)
            .setBucket("images")
            .setKey("a.jpg")
            .setSize(12L)
            .setSource("cam-1")
            .setTags(List.of("door"))
            .setCapturedAtMillis(5L)
            .setEventTimeMillis(6L)
            .build();
    var serde = Topics.IMAGE_EVENTS.valueSerde();
    byte[] bytes = serde.serializer().serialize("t", e);

    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(e);
    assertThat(serde.serializer().serialize("t", null)).isNull();
  }

  @Test
  void garbageIsASerializationException() {
    var de = Topics.IMAGE_EVENTS.valueSerde().deserializer();
    assertThatThrownBy(() -> de.deserialize("t", new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("not a valid Avro record");
  }
}
