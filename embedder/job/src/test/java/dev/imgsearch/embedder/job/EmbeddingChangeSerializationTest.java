package dev.imgsearch.embedder.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.indexer.store.DetectedItem;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A change with its detected items survives Flink's serializer (between operators that are not
 * chained, e.g. keyBy).
 */
class EmbeddingChangeSerializationTest {
  @Test
  void itemsRoundTripThroughFlinksSerializer() throws Exception {
    EmbeddingChange c = new EmbeddingChange();
    c.imageId = "img";
    c.vector = new float[] {0.6f, 0.8f};
    c.tags = new String[] {"t"};
    c.items =
        List.of(
            new DetectedItem(
                DetectedItem.Kind.OBJECT,
                0,
                "person",
                0,
                0.9f,
                new float[] {0, 0, 0.5f, 1},
                "m",
                new float[] {1, 0}),
            new DetectedItem(
                DetectedItem.Kind.FACE,
                0,
                "face",
                -1,
                0.8f,
                new float[] {0.1f, 0.1f, 0.2f, 0.2f},
                "f",
                new float[] {0, 1, 0}));
    TypeSerializer<EmbeddingChange> serializer =
        TypeInformation.of(EmbeddingChange.class).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(c, out);
    EmbeddingChange back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(back.items).hasSize(2);
    assertThat(back.items.get(0).label()).isEqualTo("person");
    assertThat(back.items.get(0).box()).containsExactly(0, 0, 0.5f, 1);
    assertThat(back.items.get(1).vector()).containsExactly(0, 1, 0);
    assertThat(back.items.get(1).kind()).isEqualTo(DetectedItem.Kind.FACE);
    EmbeddingChange none =
        serializer.deserialize(
            new DataInputDeserializer(serialize(serializer, new EmbeddingChange())));
    assertThat(none.items).isEmpty();
  }

  private static byte[] serialize(TypeSerializer<EmbeddingChange> s, EmbeddingChange c)
      throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(64);
    s.serialize(c, out);
    return out.getCopyOfBuffer();
  }
}
