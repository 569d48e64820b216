package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.IdleFetch;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of a topic on its own thread (assigned, no consumer group, nothing
 * committed), starting at most {@code backlog} records before each partition's end ({@link
 * Long#MAX_VALUE}: from the beginning), and hands each record (with its partition and offset) to
 * {@code sink} (told whether the record is from the backlog: below the end offset its partition had
 * at start); {@code onCaughtUp} runs once every partition has reached the end offset it had at
 * start. A failing poll is retried with a growing pause (up to 30 s) — the consumer's own
 * reconnects do the rest.
 */
public final class TopicTail implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final long backlog;
  private final BiConsumer<ConsumerRecord<String, byte[]>, Boolean> sink;
  private final Runnable onCaughtUp;
  private final Thread thread;
  private volatile boolean closed;

  /** The end offsets at start, by partition (set once, on the tail's thread). */
  private Map<Integer, Long> startEnd = Map.of();

  public TopicTail(
      Map<String, Object> clientProperties,
      String topic,
      long backlog,
      Consumer<ConsumerRecord<String, byte[]>> sink,
      Runnable onCaughtUp) {
    this(clientProperties, topic, backlog, (r, fromBacklog) -> sink.accept(r), onCaughtUp);
  }

  /**
   * @param sink gets each record and whether it is from the backlog (its offset below the end its
   *     partition had at start) rather than new
   */
  public TopicTail(
      Map<String, Object> clientProperties,
      String topic,
      long backlog,
      BiConsumer<ConsumerRecord<String, byte[]>, Boolean> sink,
      Runnable onCaughtUp) {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "query-api-" + topic);
    IdleFetch.setDefault(p); // new records answer a waiting fetch at once
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.backlog = backlog;
    this.sink = sink;
    this.onCaughtUp = onCaughtUp;
    this.thread = new Thread(this::run, "tail-" + topic);
    this.thread.setDaemon(true);
  }

  public TopicTail start() {
    thread.start();
    return this;
  }

  private void run() {
    long pause = 500;
    Map<TopicPartition, Long> end = null;
    while (!closed) {
      try {
        if (end == null) {
          end = assign();
          if (end == null) {
            sleep(pause);
            pause = Math.min(pause * 2, 30_000);
            continue;
          }
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          sink.accept(r, r.offset() < startEnd.getOrDefault(r.partition(), 0L));
        }
        if (!end.isEmpty()) {
          end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
          if (end.isEmpty()) {
            LOG.info("topic {} read up to its end", topic);
            onCaughtUp.run();
          }
        }
        pause = 500;
      } catch (WakeupException e) {
        break;
      } catch (RuntimeException e) {
        if (closed) {
          break;
        }
        LOG.warn("reading topic {} failed, retrying in {} ms: {}", topic, pause, e.toString());
        sleep(pause);
        pause = Math.min(pause * 2, 30_000);
      }
    }
    consumer.close(Duration.ofSeconds(2));
  }

  /**
   * Assigns all partitions and seeks; returns the end offsets to catch up with, or null if the
   * topic is not there.
   */
  private Map<TopicPartition, Long> assign() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
    if (infos == null || infos.isEmpty()) {
      LOG.warn("topic {} not found yet", topic);
      return null;
    }
    List<TopicPartition> parts =
        infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(parts);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts));
    Map<Integer, Long> ends = new HashMap<>();
    end.forEach((tp, offset) -> ends.put(tp.partition(), offset));
    startEnd = ends;
    for (TopicPartition tp : parts) {
      long from =
          backlog == Long.MAX_VALUE
              ? begin.get(tp)
              : Math.max(begin.get(tp), end.get(tp) - backlog);
      consumer.seek(tp, from);
    }
    end.entrySet().removeIf(e -> e.getValue() <= begin.get(e.getKey()));
    if (end.isEmpty()) {
      LOG.info("topic {} is empty", topic);
      onCaughtUp.run();
    }
    return end;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
