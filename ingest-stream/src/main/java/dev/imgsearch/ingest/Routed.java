package dev.imgsearch.ingest;

import dev.imgsearch.schemas.avro.ImageEvent;

/**
 * What the first processors emit: an image event, or a dead letter (original key/value, reason in
 * the record headers).
 */
public record Routed(ImageEvent event, byte[] deadKey, byte[] deadValue) {
  public static Routed event(ImageEvent e) {
    return new Routed(e, null, null);
  }

  public static Routed dead(byte[] key, byte[] value) {
    return new Routed(null, key, value);
  }

  public boolean isDead() {
    return event == null;
  }
}
