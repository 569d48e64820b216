package dev.imgsearch.embedder.job;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.schemas.DeadLetter;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEvent;
import dev.imgsearch.schemas.avro.ImageEventType;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Image event → index action. Created images are fetched, decoded and embedded; deleted ones become deletes. A value
 * that is not an image event, or an image that cannot be decoded, goes to the {@link #DEAD_LETTERS} side output with
 * its reason; an object already gone (deleted before it was fetched) is skipped and counted. Object-store errors
 * propagate, so Flink restarts from the last checkpoint and retries: no event is lost.
 */
public final class EmbedFunction extends ProcessFunction<KafkaRecord, IndexAction> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private final ObjectFetcher.Factory fetcherFactory;
  private final String modelName;
  private final DecodeLimits limits;
  private final int intraOpThreads;

  private transient ImageEmbedder embedder;
  private transient ObjectFetcher fetcher;
  private transient Counter embedded;
  private transient Counter deleted;
  private transient Counter missing;
  private transient Counter rejected;

  public EmbedFunction(ObjectFetcher.Factory fetcherFactory, String modelName, DecodeLimits limits, int intraOpThreads) {
    this.fetcherFactory = fetcherFactory;
    this.modelName = modelName;
    this.limits = limits;
    this.intraOpThreads = intraOpThreads;
  }

  @Override
  public void open(OpenContext context) {
    embedder = OnnxImageEmbedder.fromClasspath(modelName, limits, intraOpThreads);
    fetcher = fetcherFactory.create();
    var metrics = getRuntimeContext().getMetricGroup();
    embedded = metrics.counter("imagesEmbedded");
    deleted = metrics.counter("imagesDeleted");
    missing = metrics.counter("objectsMissing");
    rejected = metrics.counter("deadLetters");
  }

  @Override
  public void processElement(KafkaRecord record, Context ctx, Collector<IndexAction> out) throws Exception {
    ImageEvent event;
    try {
      event = Topics.IMAGE_EVENTS.valueSerde().deserializer().deserialize(record.topic, record.value);
      if (event == null) {
        throw new SerializationException("null value (tombstone) on the image-events topic");
      }
    } catch (SerializationException e) {
      rejected.inc();
      ctx.output(DEAD_LETTERS, Records.deadLetter(record, "undecodable-event", e, null));
      return;
    }
    if (event.getType() == ImageEventType.DELETED) {
      deleted.inc();
      out.collect(IndexAction.delete(event.getImageId()));
      return;
    }
    Optional<byte[]> bytes = fetcher.fetch(event.getBucket(), event.getKey());
    if (bytes.isEmpty()) {
      missing.inc();
      return;
    }
    try {
      float[] vector = embedder.embed(bytes.get());
      embedded.inc();
      out.collect(IndexAction.upsert(Records.toVectorRecord(event, vector, embedder.modelId())));
    } catch (ImageRejectedException e) {
      rejected.inc();
      ctx.output(DEAD_LETTERS, Records.deadLetter(record, e.reason().code(), e, event.getImageId()));
    }
  }

  @Override
  public void close() {
    if (embedder != null) {
      embedder.close();
    }
    if (fetcher != null) {
      fetcher.close();
    }
  }
}
