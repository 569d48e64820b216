package dev.imgsearch.cli;

/**
 * Assembles server-sent events from the lines of a {@code text/event-stream} (comments skipped).
 * Pure.
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
}
