package dev.imgsearch.query;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of object and face queries: those of {@link SearchParams} ({@code k}, {@code
 * offset}, {@code source}, {@code from}, {@code to}, {@code tags}, {@code minScore}) plus {@code
 * class} (class labels, repeated or comma-separated; the 80 COCO names and {@code face}), {@code q}
 * (a text whose class names and synonyms become class labels, {@link ClassVocabulary}) and {@code
 * group} ({@code none}, {@code image}: one hit per image, {@code source}: one per source). Pure.
 */
public record ObjectParams(SearchParams search, Set<String> classes, Grouping group) {
  public static final String CLASS = "class";
  public static final String Q = "q";
  public static final String GROUP = "group";

  /** How hits are grouped: all of them, the best per image, the best per source. */
  public enum Grouping {
    NONE,
    IMAGE,
    SOURCE
  }

  public ObjectParams {
    classes = Set.copyOf(new LinkedHashSet<>(classes));
  }

  /** Parses URL query parameters. */
  public static ObjectParams fromQuery(Map<String, List<String>> query) {
    SearchParams search = SearchParams.fromQuery(query);
    List<String> q = query.getOrDefault(Q, List.of());
    List<String> group = query.getOrDefault(GROUP, List.of());
    if (q.size() > 1 || group.size() > 1) {
      throw InvalidQueryException.parameter(
          (q.size() > 1 ? Q : GROUP) + " must be given at most once");
    }
    return of(
        search,
        query.getOrDefault(CLASS, List.of()),
        q.isEmpty() ? null : q.get(0),
        group.isEmpty() ? null : group.get(0));
  }

  /**
   * From typed values (e.g. a JSON body); null arguments take their defaults.
   *
   * @throws InvalidQueryException for an unknown class, a text naming no class or an unknown
   *     grouping
   */
  public static ObjectParams of(
      SearchParams search, List<String> classes, String text, String group) {
    Set<String> labels = new LinkedHashSet<>();
    for (String value : classes == null ? List.<String>of() : classes) {
      for (String c : value == null ? new String[0] : value.split(",")) {
        String label = c.strip().toLowerCase(Locale.ROOT);
        if (label.isEmpty()) {
          continue;
        }
        if (!ClassVocabulary.isLabel(label)) {
          throw InvalidQueryException.parameter(
              CLASS
                  + " "
                  + FilterValues.describe(c.strip())
                  + " is not a detector class; classes are the 80 COCO"
                  + " names (person, car, truck, ...) and face");
        }
        labels.add(label);
      }
    }
    if (text != null && !text.isBlank()) {
      Set<String> named = ClassVocabulary.labelsIn(text);
      if (named.isEmpty()) {
        throw InvalidQueryException.parameter(
            Q
                + " "
                + FilterValues.describe(text.strip())
                + " names no detector class (e.g. person, man,"
                + " car, van, dog); free-text similarity needs a text model, which is not bundled");
      }
      labels.addAll(named);
    }
    return new ObjectParams(
        search == null ? SearchParams.defaults() : search, labels, grouping(group));
  }

  private static Grouping grouping(String value) {
    if (value == null || value.isBlank()) {
      return Grouping.NONE;
    }
    return Arrays.stream(Grouping.values())
        .filter(g -> g.name().equalsIgnoreCase(value.strip()))
        .findFirst()
        .orElseThrow(
            () ->
                InvalidQueryException.parameter(
                    GROUP + " must be none, image or source, got " + FilterValues.describe(value)));
  }
}
