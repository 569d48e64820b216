package dev.imgsearch.k8s;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** The metric names a PromQL expression (of a dashboard panel or a rule) selects. */
final class PromQl {
  private PromQl() {}

  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "start",
          "end");
  private static final Pattern GRAFANA_INTERVAL =
      Pattern.compile("\\$__(rate_interval|interval|range)");
  private static final Pattern STRINGS =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

  /**
   * The metric names an expression selects (identifiers that are neither functions, keywords nor
   * label names).
   */
  static Set<String> metricNames(String expr) {
    if (expr == null || expr.isBlank()) {
      throw new IllegalArgumentException("empty expression");
    }
    String s = GRAFANA_INTERVAL.matcher(expr).replaceAll("5m");
    s = STRINGS.matcher(s).replaceAll("\"\"");
    s = s.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
    s = GROUPING.matcher(s).replaceAll(" ");
    Set<String> names = new TreeSet<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (Character.isDigit(c)
          || (c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1)))) {
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
          i++; // a number or a duration (5m, 1e3, 0.99)
        }
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int start = i;
        while (i < s.length()
            && (Character.isLetterOrDigit(s.charAt(i))
                || s.charAt(i) == '_'
                || s.charAt(i) == ':')) {
          i++;
        }
        String word = s.substring(start, i);
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
          j++;
        }
        boolean function = j < s.length() && s.charAt(j) == '(';
        if (!function && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
          names.add(word);
        }
      } else {
        i++;
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no metric in: " + expr);
    }
    return names;
  }
}
