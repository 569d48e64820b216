package dev.imgsearch.query;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of the string filter values ({@code source}, {@code tags}) before they reach a store.
 * Values are bound to the store's filter (a Lucene term set, or string literals of a Milvus boolean
 * expression), never spliced into query text; on top of that this allow-list keeps every character
 * that has a meaning in an expression language (quotes, backslashes, brackets, operators, control
 * characters) out, so no value can change what a filter means.
 *
 * <p>Allowed: 1..{@value #MAX_LENGTH} characters from letters, digits, combining marks, space and
 * {@code . _ - : / @ + = #}; at most {@value #MAX_VALUES} values per parameter.
 */
final class FilterValues {

  static final int MAX_LENGTH = 128;
  static final int MAX_VALUES = 64;
  static final Pattern ALLOWED =
      Pattern.compile("[\\p{L}\\p{M}\\p{N} ._\\-:/@+=#]{1," + MAX_LENGTH + "}");

  private FilterValues() {}

  /**
   * Checks the (already split and trimmed) values of one parameter.
   *
   * @throws InvalidQueryException naming the parameter if a value or the count is not allowed
   */
  static Set<String> validate(String parameter, Collection<String> values) {
    Set<String> out = new LinkedHashSet<>(values);
    if (out.size() > MAX_VALUES) {
      throw InvalidQueryException.parameter(
          parameter + " accepts at most " + MAX_VALUES + " values, got " + out.size());
    }
    for (String value : out) {
      if (!ALLOWED.matcher(value).matches()) {
        throw InvalidQueryException.parameter(
            parameter
                + " values may only contain letters, digits, spaces and . _ - : / @ + = # (at most "
                + MAX_LENGTH
                + " characters); rejected "
                + describe(value));
      }
    }
    return out;
  }

  /** A short, printable rendering of a rejected value for the error message. */
  static String describe(String value) {
    StringBuilder out = new StringBuilder("'");
    value
        .codePoints()
        .limit(40)
        .forEach(
            cp -> {
              if (cp < 0x20 || cp == 0x7f || Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    out.append(value.codePointCount(0, value.length()) > 40 ? "…'" : "'");
    return out.toString();
  }
}
