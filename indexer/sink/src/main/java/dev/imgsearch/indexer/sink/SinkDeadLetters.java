package dev.imgsearch.indexer.sink;

import dev.imgsearch.indexer.IndexAction;
import java.io.IOException;
import java.io.Serializable;

/**
 * Where the sink sets aside a change the store refuses for good (see {@link IndexBatcher}):
 * serializable settings, opened on the task manager by each sink writer. {@link
 * KafkaSinkDeadLetters} writes them to the dead-letter topic.
 */
public interface SinkDeadLetters extends Serializable {

  /** Opens a writer for one sink writer (subtask). */
  Writer open();

  /**
   * Writes dead letters; called from the sink's writer thread, flushed from the task thread on
   * checkpoints.
   */
  interface Writer extends AutoCloseable {
    /**
     * Sends (possibly asynchronously) a dead letter for {@code action}; failures surface on {@link
     * #flush()}.
     */
    void write(IndexAction action, String reason, Throwable cause);

    /**
     * Waits until every dead letter written so far is durable; throws if any could not be written.
     */
    void flush() throws IOException;

    @Override
    void close();
  }
}
