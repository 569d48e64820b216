package dev.imgsearch.indexer.reindex;

import dev.imgsearch.indexer.IndexAction;
import dev.imgsearch.indexer.sink.PendingWrites;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.schemas.Topics;
import dev.imgsearch.schemas.avro.ImageEmbedding;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the compacted embeddings topic ({@link Topics#EMBEDDINGS}) from the beginning as a stream
 * of index changes, in offset order per partition (the topic is keyed by image id, so per image).
 * Bounded: the first round ends at the end offsets captured when it starts; {@link #untilCaughtUp}
 * then reads what was written meanwhile in further rounds, each to freshly captured end offsets,
 * until a round is small. Records go through {@link EmbeddingRecords} (tombstone → delete) and the
 * {@link ModelPolicy}. A consumer without a group: nothing is committed, the live pipeline is not
 * disturbed. Not thread-safe.
 */
public final class EmbeddingsTopicReplay implements AutoCloseable {
  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final List<TopicPartition> partitions;
  private final ReplayOffsets offsets;
  private final ModelPolicy policy;
  private final Deserializer<ImageEmbedding> values = Topics.EMBEDDINGS.valueSerde().deserializer();
  private final Duration stallTimeout;
  private final Consumer<String> log;
  private final long started = System.nanoTime();
  private long changes;
  private long tombstones;
  private int rounds;
  private long roundStartChanges;
  private long lastLog;

  private EmbeddingsTopicReplay(
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      ModelPolicy policy,
      Duration stallTimeout,
      Consumer<String> log) {
    this.consumer = consumer;
    this.topic = topic;
    this.policy = policy;
    this.stallTimeout = stallTimeout;
    this.log = log;
    var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    this.partitions =
        infos.stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
            .toList();
    consumer.assign(partitions);
    Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
    this.offsets = new ReplayOffsets(start);
    start.forEach(consumer::seek);
  }

  /**
   * Opens a replay of {@code topic}.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param consumerProperties extra consumer settings (security etc.); may be empty
   * @param stallTimeout fail when no record arrives for this long while a round is unfinished
   * @param log progress lines (every 2 s and at each round's end)
   */
  public static EmbeddingsTopicReplay open(
      String bootstrap,
      String topic,
      Map<String, Object> consumerProperties,
      ModelPolicy policy,
      Duration stallTimeout,
      Consumer<String> log) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrap, "bootstrap"));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "imgsearch-reindex");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    p.putAll(consumerProperties);
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      return new EmbeddingsTopicReplay(consumer, topic, policy, stallTimeout, log);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * The changes from the log start to the end offsets captured now, then catch-up rounds over what
   * was written meanwhile, each to end offsets captured when it starts. Ends after a round that
   * started at most {@code maxTailLag} offsets behind (or with nothing left), or after {@code
   * maxRounds} rounds. Single use.
   */
  public Iterable<IndexAction> untilCaughtUp(long maxTailLag, int maxRounds) {
    if (maxRounds < 1) {
      throw new IllegalArgumentException("maxRounds must be ≥ 1");
    }
    return () ->
        new Iterator<>() {
          private final ArrayDeque<IndexAction> buffer = new ArrayDeque<>();
          private boolean started;
          private boolean lastRound = maxRounds == 1;
          private boolean finished;

          @Override
          public boolean hasNext() {
            if (!started) {
              started = true;
              startRound();
            }
            while (buffer.isEmpty() && !finished) {
              if (offsets.roundDone()) {
                endRound();
                if (lastRound) {
                  finished = true;
                  break;
                }
                long lag = startRound();
                if (lag == 0) {
                  finished = true;
                } else if (lag <= maxTailLag || rounds >= maxRounds) {
                  lastRound = true;
                }
              } else {
                poll(buffer::add);
              }
            }
            return !buffer.isEmpty();
          }

          @Override
          public IndexAction next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return buffer.poll();
          }
        };
  }

  /**
   * Reads what was written since the last round, to end offsets captured now, and applies it to
   * {@code store} (latest change per image within {@code batch}), then flushes. Used after the swap
   * for the changes that reached the topic between the last catch-up round and the swap. Returns
   * the number of changes applied.
   */
  public long applyTail(VectorStore store, int batch) {
    long before = changes;
    startRound();
    PendingWrites pending = new PendingWrites();
    while (!offsets.roundDone()) {
      poll(
          a -> {
            pending.add(a);
            if (pending.size() >= batch) {
              pending.applyTo(store);
            }
          });
    }
    pending.applyTo(store);
    store.flush();
    endRound();
    return changes - before;
  }

  private long startRound() {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    long lag = offsets.startRound(ends);
    rounds++;
    roundStartChanges = changes;
    for (TopicPartition tp : partitions) {
      consumer.seek(tp, offsets.positions().get(tp));
    }
    consumer.resume(partitions);
    consumer.pause(partitions.stream().filter(offsets::done).toList());
    log.accept(
        String.format(
            Locale.ROOT,
            "round %d: reading %,d offsets of %s (%s)",
            rounds,
            lag,
            topic,
            rounds == 1
                ? "from the beginning to the end offsets now"
                : "written since the previous round"));
    return lag;
  }

  private void endRound() {
    log.accept(
        String.format(
            Locale.ROOT,
            "round %d done: %,d changes (%,d in total, %.1f s)",
            rounds,
            changes - roundStartChanges,
            changes,
            seconds()));
  }

  private void poll(Consumer<IndexAction> out) {
    long waitingSince = System.nanoTime();
    while (true) {
      long lagBefore = offsets.lag();
      var records = consumer.poll(Duration.ofMillis(200));
      for (TopicPartition tp : records.partitions()) {
        for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
          if (offsets.accept(tp, r.offset())) {
            out.accept(toAction(r));
          } else if (r.offset() >= offsets.end(tp)) {
            break; // written after this round's end: read again in the next round
          }
        }
      }
      var paused = consumer.paused();
      for (TopicPartition tp : partitions) {
        if (paused.contains(tp)) {
          continue;
        }
        if (!offsets.done(tp)) {
          offsets.advanceTo(tp, consumer.position(tp));
        }
        if (offsets.done(tp)) {
          consumer.seek(
              tp,
              offsets.positions().get(tp)); // anything fetched beyond the end is read next round
          consumer.pause(List.of(tp));
        }
      }
      logProgress();
      if (offsets.lag() < lagBefore || offsets.roundDone()) {
        return;
      }
      if (System.nanoTime() - waitingSince > stallTimeout.toNanos()) {
        throw new IllegalStateException(
            "no progress reading "
                + topic
                + " for "
                + stallTimeout.toSeconds()
                + " s at "
                + offsets.positions()
                + " (round "
                + rounds
                + " ends at "
                + offsets.lag()
                + " offsets ahead)");
      }
    }
  }

  private IndexAction toAction(ConsumerRecord<String, byte[]> r) {
    String where = r.topic() + "-" + r.partition() + "@" + r.offset();
    IndexAction action;
    try {
      action =
          EmbeddingRecords.toIndexAction(
              r.key(), r.value() == null ? null : values.deserialize(r.topic(), r.value()));
    } catch (SerializationException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot read the embeddings record at " + where + ": " + e.getMessage(), e);
    }
    changes++;
    if (action.op() == IndexAction.Op.DELETE) {
      tombstones++;
    }
    return policy.apply(action, where);
  }

  private void logProgress() {
    long now = System.nanoTime();
    if (now - lastLog >= 2_000_000_000L) {
      lastLog = now;
      double s = seconds();
      log.accept(
          String.format(
              Locale.ROOT,
              "  round %d: %,d changes read, %,d offsets to go, %,.0f changes/s",
              rounds,
              changes,
              offsets.lag(),
              s > 0 ? changes / s : 0));
    }
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Records read (upserts and tombstones, before the model policy). */
  public long changes() {
    return changes;
  }

  /** Tombstones read. */
  public long tombstones() {
    return tombstones;
  }

  /** Rounds started (the full replay, catch-up rounds, the tail after the swap). */
  public int rounds() {
    return rounds;
  }

  /** The next offset per partition. */
  public Map<TopicPartition, Long> positions() {
    return offsets.positions();
  }

  public ModelPolicy policy() {
    return policy;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
