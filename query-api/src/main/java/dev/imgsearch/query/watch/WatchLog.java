package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.avro.Watch;

/**
 * Where watches are written: the compacted watches topic. Both calls return once the write is
 * acknowledged.
 */
public interface WatchLog {

  /**
   * Writes {@code watch} under its id.
   *
   * @throws WatchesUnavailableException if the write is not acknowledged in time
   */
  void put(Watch watch);

  /**
   * Writes a tombstone for {@code id}.
   *
   * @throws WatchesUnavailableException if the write is not acknowledged in time
   */
  void delete(String id);
}
