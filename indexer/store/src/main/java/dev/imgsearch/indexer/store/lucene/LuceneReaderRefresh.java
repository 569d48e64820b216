package dev.imgsearch.indexer.store.lucene;

import dev.imgsearch.schemas.DaemonThreads;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reopens a read-only store's searchers on the writer's newest commit every {@value
 * #INTERVAL_MILLIS} ms, on one daemon thread ({@link SearcherManager#maybeRefresh}: a no-op while
 * nothing changed). A failed reopen (e.g. a commit replaced while it was read) is retried on the
 * next tick; readers keep the previous commit meanwhile.
 */
final class LuceneReaderRefresh implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneReaderRefresh.class);

  /** How often the last commit is looked for: the bound it adds to a reader's freshness. */
  static final long INTERVAL_MILLIS = 100;

  private final ScheduledExecutorService timer;

  private LuceneReaderRefresh(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  static LuceneReaderRefresh start(SearcherManager searchers, Path dir) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("embedded-store-reader-refresh"));
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            searchers.maybeRefresh();
          } catch (IOException | RuntimeException e) {
            if (!(e instanceof AlreadyClosedException)) {
              LOG.debug(
                  "reopening the embedded store at {} failed, next try soon: {}",
                  dir,
                  e.toString());
            }
          }
        },
        INTERVAL_MILLIS,
        INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
    return new LuceneReaderRefresh(timer);
  }

  @Override
  public void close() {
    timer.shutdown(); // no interrupt: one can close the channels of an index being reopened
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
