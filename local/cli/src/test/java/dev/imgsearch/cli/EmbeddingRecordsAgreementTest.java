package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.embedder.job.EmbeddingChange;
import dev.imgsearch.embedder.job.Records;
import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.reindex.EmbeddingRecords;
import dev.imgsearch.schemas.Topics;
import org.junit.jupiter.api.Test;

/**
 * The live path (embedder: change → {@code Records.toIndexAction}) and the re-index path
 * (embeddings topic record → {@code EmbeddingRecords.toIndexAction}) must produce the same index
 * change for the same embedding. This module sees both, so the check lives here.
 */
class EmbeddingRecordsAgreementTest {
  @Test
  void theTopicRecordOfAChangeIndexesExactlyWhatTheLiveSinkIndexes() {
    EmbeddingChange c = new EmbeddingChange();
    c.imageId = "img-1";
    c.vector = new float[] {0.6f, 0.8f};
    c.bucket = "images";
    c.key = "cam/2026/img-1.jpg";
    c.source = "cam-7";
    c.capturedAtMillis = 1_700_000_000_123L;
    c.tags = new String[] {"night", "gate"};
    c.model = "nsfwjs-mobilenetv2-b13@1";
    c.eventTimeMillis = 1_700_000_000_456L;
    c.phash = 0x1234L;

    var serde = Topics.EMBEDDINGS.valueSerde();
    byte[] wire = serde.serializer().serialize("t", Records.toAvro(c));
    IndexAction replayed =
        EmbeddingRecords.toIndexAction(c.imageId, serde.deserializer().deserialize("t", wire));
    IndexAction live = Records.toIndexAction(c);

    assertThat(replayed.op()).isEqualTo(live.op());
    assertThat(replayed.id()).isEqualTo(live.id());
    assertThat(replayed.record()).usingRecursiveComparison().isEqualTo(live.record());

    EmbeddingChange deletion = EmbeddingChange.deletion("img-2", 5L);
    assertThat(Records.toAvro(deletion)).as("a tombstone").isNull();
    IndexAction replayedDelete = EmbeddingRecords.toIndexAction("img-2", null);
    IndexAction liveDelete = Records.toIndexAction(deletion);
    assertThat(replayedDelete.op()).isEqualTo(liveDelete.op()).isEqualTo(IndexAction.Op.DELETE);
    assertThat(replayedDelete.id()).isEqualTo(liveDelete.id());

    // only the live path carries the event time (the sink's freshness metric); a replay of old
    // changes must not
    // count as fresh writes
    assertThat(live.eventTimeMillis()).isEqualTo(c.eventTimeMillis);
    assertThat(liveDelete.eventTimeMillis()).isEqualTo(5L);
    assertThat(replayed.eventTimeMillis()).isZero();
    assertThat(replayedDelete.eventTimeMillis()).isZero();
  }
}
