package dev.imgsearch.indexer.store.milvus;

import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_CAPTURED_AT;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_ID;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_SOURCE;
import static dev.imgsearch.indexer.store.CollectionSpec.FIELD_TAGS;

import dev.imgsearch.indexer.store.SearchFilter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Milvus boolean expressions for {@link SearchFilter}s and id lists. Pure functions; values are
 * sorted so equal inputs give equal expressions.
 *
 * <p>String literals are double-quoted. Milvus (2.3 and later) parses them with Go's {@code
 * strconv.Unquote} rules, so {@code "} and {@code \} are backslash-escaped and control characters
 * (which the grammar rejects raw) are written as {@code \}{@code uXXXX}; every other character,
 * non-ASCII included, stands for itself. Checked against the server for quotes, backslashes,
 * newlines, tabs, U+0001, accents and emoji.
 */
public final class MilvusFilterExpressions {

  private MilvusFilterExpressions() {}

  /**
   * The expression for {@code filter}, or {@code ""} when it restricts nothing: {@code source in
   * [..]}, {@code captured_at >= from}, {@code captured_at < to} and {@code
   * array_contains_any(tags, [..])} joined by {@code and}.
   */
  public static String of(SearchFilter filter) {
    if (filter == null || filter.isEmpty()) {
      return "";
    }
    List<String> clauses = new ArrayList<>();
    if (!filter.sources().isEmpty()) {
      clauses.add(in(FIELD_SOURCE, filter.sources()));
    }
    if (filter.fromMillis() != null) {
      clauses.add(FIELD_CAPTURED_AT + " >= " + filter.fromMillis());
    }
    if (filter.toMillis() != null) {
      clauses.add(FIELD_CAPTURED_AT + " < " + filter.toMillis());
    }
    if (!filter.tags().isEmpty()) {
      clauses.add("array_contains_any(" + FIELD_TAGS + ", " + list(filter.tags()) + ")");
    }
    return String.join(" and ", clauses);
  }

  /** {@code id in ["a", "b"]}. */
  public static String idIn(Collection<String> ids) {
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("no ids");
    }
    return in(FIELD_ID, ids);
  }

  /** {@code field in [..]} over the distinct, sorted values. */
  static String in(String field, Collection<String> values) {
    return field + " in " + list(values);
  }

  /** A double-quoted Milvus string literal denoting exactly {@code value}. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static String list(Collection<String> values) {
    return new TreeSet<>(values)
        .stream().map(MilvusFilterExpressions::quote).collect(Collectors.joining(", ", "[", "]"));
  }
}
