package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What one batch write of {@link IndexBatcher} achieved: counts, sizes and the refused changes. */
final class BatchOutcome {
  private static final Logger LOG = LoggerFactory.getLogger(IndexBatcher.class);

  /** A change the store refused and the last error. */
  record Refusal(IndexAction action, RuntimeException error) {}

  final FreshnessSamples freshness;
  int written;
  int deletes;
  long bytes;
  final List<Refusal> refused = new ArrayList<>();
  boolean allUnknown = true;

  BatchOutcome(FreshnessSamples freshness) {
    this.freshness = freshness;
  }

  void written(List<IndexAction> actions) {
    for (IndexAction a : actions) {
      freshness.written(a);
      written++;
      deletes += a.op() == IndexAction.Op.DELETE ? 1 : 0;
      bytes += PendingWrites.estimatedBytes(a);
    }
  }

  /** Dead-letters every refused change with its reason, and tells {@code listener}. */
  void deadLetter(SinkDeadLetters.Writer deadLetters, IndexBatcher.Listener listener) {
    for (Refusal r : refused) {
      String reason = WriteFailures.reason(r.error());
      LOG.warn(
          "dead-lettering {} of {} ({}): {}",
          r.action().op(),
          r.action().id(),
          reason,
          r.error().toString());
      deadLetters.write(r.action(), reason, r.error());
      listener.deadLettered(reason, r.error());
    }
  }

  void refused(IndexAction action, RuntimeException error) {
    refused.add(new Refusal(action, error));
    allUnknown &= WriteFailures.classify(error) == WriteFailures.Kind.UNKNOWN;
  }
}
