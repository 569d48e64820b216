package dev.imgsearch.ingest;

import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
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
 * notifications ─▶ map-notifications ─┐                          ┌──────────────────────────────────────────────┐
 *                                     ├─ merge ─▶ route ─────────┤                                              ├─▶ bound ─▶ dead-letters
 * raw-frames ───▶ claim-check (S3) ───┘                          └─▶ repartition by image id ─▶ dedup ─▶ bound ─┴─▶ image-events
 * </pre>
 *
 * ({@link BoundOutputs}: every output fits its topic ({@link OutputLimits}) before it is sent.)
 *
 * <p>Every event of one image id, whichever path it came from, meets the same de-duplication state
 * in one task and leaves in order on the image id's partition.
 */
public final class IngestTopology {
  public static final String STAGE = "ingest-stream";
  public static final String REPARTITION = "events-by-image-id";

  private IngestTopology() {}

  /**
   * @param objectStore the claim-check path's writer; required when {@code settings.frames()} is
   *     set, else unused
   */
  public static Topology build(
      IngestSettings s, IngestMetrics metrics, RetryingObjectStore objectStore) {
    return build(s, metrics, objectStore, OutputLimits.DEFAULT);
  }

  /**
   * @param limits the largest record each output topic accepts: larger events become dead letters,
   *     larger dead letters lose their value and key, before they are sent
   */
  public static Topology build(
      IngestSettings s,
      IngestMetrics metrics,
      RetryingObjectStore objectStore,
      OutputLimits limits) {
    Serde<ImageEvent> eventSerde = Topics.IMAGE_EVENTS.valueSerde();
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DedupProcessor.STORE),
            Serdes.String(),
            Dedup.stateSerde()));

    KStream<String, Routed> routed =
        b.stream(
                s.notificationsTopic(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("notifications"))
            .process(
                () -> new MapNotifications(s.filter(), metrics), Named.as("map-notifications"));
    if (s.frames() != null) {
      if (objectStore == null) {
        throw new IllegalArgumentException(
            "frames are configured (s3.endpoint) but no object store was given");
      }
      KStream<String, Routed> frames =
          b.stream(
                  s.rawFramesTopic(),
                  Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-frames"))
              .process(
                  () ->
                      new ClaimCheck(
                          s.frames().bucket(), s.frames().maxBytes(), objectStore, metrics),
                  Named.as("claim-check"));
      routed = routed.merge(frames, Named.as("merge-paths"));
    }

    var branches =
        routed
            .split(Named.as("route-"))
            .branch((k, v) -> v.isDead(), Branched.as("dead"))
            .defaultBranch(Branched.as("events"));
    var outputs =
        branches
            .get("route-events")
            .mapValues(Routed::event, Named.as("event-values"))
            .repartition(Repartitioned.with(Serdes.String(), eventSerde).withName(REPARTITION))
            .process(
                () -> new DedupProcessor(s.dedupTtl(), metrics),
                Named.as("dedup"),
                DedupProcessor.STORE)
            .process(
                () ->
                    new BoundOutputs.Events(
                        limits.eventsMaxBytes(),
                        s.imageEventsTopic(),
                        eventSerde.serializer(),
                        metrics),
                Named.as("bound-events"))
            .split(Named.as("output-"))
            .branch((k, v) -> v.isDead(), Branched.as("dead"))
            .defaultBranch(Branched.as("events"));
    outputs
        .get("output-events")
        .mapValues(Routed::event, Named.as("bounded-event-values"))
        .to(
            s.imageEventsTopic(),
            Produced.with(Serdes.String(), eventSerde).withName("image-events"));
    branches
        .get("route-dead")
        .merge(outputs.get("output-dead"), Named.as("merge-dead-letters"))
        .process(
            () -> new BoundOutputs.DeadLetterRecords(limits.deadLettersMaxBytes()),
            Named.as("bound-dead-letters"))
        .to(
            s.deadLetterTopic(),
            Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letters"));
    return b.build();
  }
}
