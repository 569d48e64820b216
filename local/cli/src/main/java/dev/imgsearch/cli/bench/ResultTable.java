package dev.imgsearch.cli.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A two-column result table (what, value) rendered as Markdown, for the terminal and
 * docs/benchmarks.md alike.
 */
public final class ResultTable {
  private final List<String[]> rows = new ArrayList<>();

  public ResultTable add(String what, String value) {
    rows.add(new String[] {clean(what), clean(value)});
    return this;
  }

  public int size() {
    return rows.size();
  }

  /** {@code | what | value |} rows, padded so the columns line up in a terminal too. */
  public String markdown() {
    int w0 = "what".length();
    int w1 = "value".length();
    for (String[] r : rows) {
      w0 = Math.max(w0, r[0].length());
      w1 = Math.max(w1, r[1].length());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(line("what", w0, "value", w1));
    sb.append("| ").append("-".repeat(w0)).append(" | ").append("-".repeat(w1 - 1)).append(": |\n");
    for (String[] r : rows) {
      sb.append(line(r[0], w0, r[1], w1));
    }
    return sb.toString();
  }

  private static String line(String a, int w0, String b, int w1) {
    return "| "
        + a
        + " ".repeat(w0 - a.length())
        + " | "
        + " ".repeat(w1 - b.length())
        + b
        + " |\n";
  }

  /** Cells may not break the table: pipes are escaped, line breaks become spaces. */
  static String clean(String s) {
    return s.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
  }
}
