package dev.imgsearch.schemas;

import java.util.Arrays;
import java.util.List;

/**
 * Comma-separated lists, as options, environment variables and object metadata give them ({@code a,
 * b,,c}). Pure.
 */
public final class CommaSeparated {
  private CommaSeparated() {}

  /**
   * The items of {@code text} in order, each trimmed, empty ones left out (duplicates kept); an
   * empty list for null or blank text.
   */
  public static List<String> items(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
