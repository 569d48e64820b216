package dev.imgsearch.ingest;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The ingest topology, in one pure method ({@link #build}); lifecycle lives in {@link IngestApp}.
 *
 * <pre>
 * notifications ─▶ map-notifications ─┐                          ┌─▶ dead-letters (reason in headers)
 *                                     ├─ merge ─▶ route ─────────┤
 * raw-frames ───▶ claim-check (S3) ───┘                          └─▶ repartition by image id ─▶ dedup (store, TTL) ─▶ image-events
 * </pre>
 *
 * Every event of one image id, whichever path it came from, meets the same de-duplication state in one task and
 * leaves in order on the image id's partition.
 */
public final class IngestTopology {
  public static final String STAGE = "ingest-stream";
  public static final String REPARTITION = "events-by-image-id";

  private IngestTopology() {}

  /**
   * @param objectStore the claim-check path's writer; required when {@code settings.frames()} is set, else unused
   */
  public static Topology build(IngestSettings s, IngestMetrics metrics, RetryingObjectStore objectStore) {
    Serde<ImageEvent> eventSerde = Topics.IMAGE_EVENTS.valueSerde();
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DedupProcessor.STORE), Serdes.String(), Dedup.stateSerde()));

    KStream<String, Routed> routed =
        b.stream(s.notificationsTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("notifications"))
            .process(() -> new MapNotifications(s.filter(), metrics), Named.as("map-notifications"));
    if (s.frames() != null) {
      if (objectStore == null) {
        throw new IllegalArgumentException("frames are configured (s3.endpoint) but no object store was given");
      }
      KStream<String, Routed> frames =
          b.stream(s.rawFramesTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-frames"))
              .process(
                  () -> new ClaimCheck(s.frames().bucket(), s.frames().maxBytes(), objectStore, metrics),
                  Named.as("claim-check"));
      routed = routed.merge(frames, Named.as("merge-paths"));
    }

    var branches =
        routed
            .split(Named.as("route-"))
            .branch((k, v) -> v.isDead(), Branched.as("dead"))
            .defaultBranch(Branched.as("events"));
    branches
        .get("route-dead")
        .map((k, v) -> KeyValue.pair(v.deadKey(), v.deadValue()), Named.as("dead-letter-bytes"))
        .to(s.deadLetterTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letters"));
    branches
        .get("route-events")
        .mapValues(Routed::event, Named.as("event-values"))
        .repartition(Repartitioned.with(Serdes.String(), eventSerde).withName(REPARTITION))
        .process(() -> new DedupProcessor(s.dedupTtl(), metrics), Named.as("dedup"), DedupProcessor.STORE)
        .to(s.imageEventsTopic(), Produced.with(Serdes.String(), eventSerde).withName("image-events"));
    return b.build();
  }
}
