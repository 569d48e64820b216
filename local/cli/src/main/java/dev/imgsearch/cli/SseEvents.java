package dev.imgsearch.cli;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Assembles server-sent events from the lines of a {@code text/event-stream} (comments skipped).
 * Pure but for {@link #next}, which reads the lines it is given.
 */
public final class SseEvents {
  /** One event; {@code name} is {@code message} when the stream gave none. */
  public record Event(String name, String id, String data) {}

  private String name;
  private String id;
  private StringBuilder data;

  /** Takes one line (without its end); returns the event a blank line completes, else null. */
  public Event accept(String line) {
    if (line.isEmpty()) {
      Event e =
          data == null ? null : new Event(name == null ? "message" : name, id, data.toString());
      name = null;
      id = null;
      data = null;
      return e;
    }
    if (line.startsWith(":")) {
      return null;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> name = value;
      case "id" -> id = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      default -> {} // retry and unknown fields
    }
    return null;
  }

  /**
   * Reads {@code lines} up to the end of the next event named {@code name} and returns its data;
   * null when the stream ends first. Events of other names are passed over.
   */
  public String next(BufferedReader lines, String name) throws IOException {
    for (String line; (line = lines.readLine()) != null; ) {
      Event e = accept(line);
      if (e != null && e.name().equals(name)) {
        return e.data();
      }
    }
    return null;
  }
}
