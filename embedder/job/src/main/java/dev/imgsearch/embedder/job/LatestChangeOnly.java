package dev.imgsearch.embedder.job;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by image id: drops a change whose object-store event time is older than the last change let
 * through for the same image. With scene-change gating the embedding step is keyed by source, so a
 * creation (keyed by its source) and a deletion that names no source (keyed by image id) run on
 * different instances, and a deletion can overtake a creation still waiting in its micro-batch;
 * without this, the late creation would put the deleted image back. The last event time is kept for
 * {@link #TTL} after the image's last change (the race lasts a micro-batch, or a replay after a
 * restart). Counter {@code staleChangesDropped}.
 */
public final class LatestChangeOnly
    extends KeyedProcessFunction<String, EmbeddingChange, EmbeddingChange> {
  private static final long serialVersionUID = 1L;

  /** How long an image's last event time is remembered. */
  public static final Duration TTL = Duration.ofMinutes(10);

  private transient ValueState<Long> lastEventTime;
  private transient Counter dropped;

  /**
   * Whether a change at {@code eventTimeMillis} is older than the last one let through ({@code
   * last}, or null).
   */
  static boolean isStale(Long last, long eventTimeMillis) {
    return last != null && eventTimeMillis < last;
  }

  @Override
  public void open(org.apache.flink.api.common.functions.OpenContext context) {
    ValueStateDescriptor<Long> d = new ValueStateDescriptor<>("last-event-time", Types.LONG);
    d.enableTimeToLive(StateTtlConfig.newBuilder(TTL).build());
    lastEventTime = getRuntimeContext().getState(d);
    dropped = getRuntimeContext().getMetricGroup().counter("staleChangesDropped");
  }

  @Override
  public void processElement(EmbeddingChange change, Context ctx, Collector<EmbeddingChange> out)
      throws Exception {
    if (isStale(lastEventTime.value(), change.eventTimeMillis)) {
      dropped.inc();
      return;
    }
    lastEventTime.update(change.eventTimeMillis);
    out.collect(change);
  }
}
