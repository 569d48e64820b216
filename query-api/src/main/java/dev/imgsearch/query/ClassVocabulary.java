package dev.imgsearch.query;

import dev.imgsearch.embedder.detect.CocoClasses;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The words a text query may use for the detector's classes: the 80 COCO class names (and {@code
 * face}) and common synonyms ("man", "woman", "people" → person; "van" → car and truck; "bike" →
 * bicycle and motorcycle). A text query maps to a class filter only; free-text similarity needs a
 * text model, which is not bundled. Pure.
 */
public final class ClassVocabulary {
  /** The COCO class names in class-id order (id = index): the detector's own list. */
  public static final List<String> COCO = CocoClasses.LABELS;

  /** The label of detected faces. */
  public static final String FACE = "face";

  private static final Map<String, List<String>> SYNONYMS =
      Map.ofEntries(
          Map.entry("people", List.of("person")),
          Map.entry("persons", List.of("person")),
          Map.entry("man", List.of("person")),
          Map.entry("men", List.of("person")),
          Map.entry("woman", List.of("person")),
          Map.entry("women", List.of("person")),
          Map.entry("child", List.of("person")),
          Map.entry("children", List.of("person")),
          Map.entry("kid", List.of("person")),
          Map.entry("kids", List.of("person")),
          Map.entry("boy", List.of("person")),
          Map.entry("girl", List.of("person")),
          Map.entry("pedestrian", List.of("person")),
          Map.entry("human", List.of("person")),
          Map.entry("someone", List.of("person")),
          Map.entry("anyone", List.of("person")),
          Map.entry("van", List.of("car", "truck")),
          Map.entry("vehicle", List.of("car", "truck", "bus", "motorcycle")),
          Map.entry("automobile", List.of("car")),
          Map.entry("lorry", List.of("truck")),
          Map.entry("pickup", List.of("truck")),
          Map.entry("suv", List.of("car")),
          Map.entry("taxi", List.of("car")),
          Map.entry("bike", List.of("bicycle", "motorcycle")),
          Map.entry("cycle", List.of("bicycle")),
          Map.entry("motorbike", List.of("motorcycle")),
          Map.entry("scooter", List.of("motorcycle")),
          Map.entry("plane", List.of("airplane")),
          Map.entry("aeroplane", List.of("airplane")),
          Map.entry("puppy", List.of("dog")),
          Map.entry("kitten", List.of("cat")),
          Map.entry("bag", List.of("backpack", "handbag", "suitcase")),
          Map.entry("sofa", List.of("couch")),
          Map.entry("television", List.of("tv")),
          Map.entry("phone", List.of("cell phone")),
          Map.entry("mobile", List.of("cell phone")),
          Map.entry("table", List.of("dining table")),
          Map.entry("faces", List.of(FACE)));

  private ClassVocabulary() {}

  /** Whether {@code label} is a class the detectors emit (a COCO name or {@code face}). */
  public static boolean isLabel(String label) {
    return FACE.equals(label) || COCO.contains(label);
  }

  /**
   * The class labels a text names, in the order they first appear: every COCO name (two-word names
   * too, e.g. "stop sign"), {@code face}, plural {@code -s} forms and the synonyms;
   * case-insensitive, other words ignored. Empty when the text names no class.
   */
  public static Set<String> labelsIn(String text) {
    Set<String> labels = new LinkedHashSet<>();
    if (text == null) {
      return labels;
    }
    String[] words = text.toLowerCase(Locale.ROOT).split("[^a-z]+");
    for (int i = 0; i < words.length; i++) {
      if (words[i].isEmpty()) {
        continue;
      }
      if (i + 1 < words.length && label(words[i] + " " + words[i + 1]) != null) {
        labels.add(label(words[i] + " " + words[i + 1]));
        i++;
        continue;
      }
      String one = label(words[i]);
      if (one != null) {
        labels.add(one);
      } else if (SYNONYMS.containsKey(words[i])) {
        labels.addAll(SYNONYMS.get(words[i]));
      }
    }
    return labels;
  }

  /** The canonical label of a class name or its plural, or null. */
  private static String label(String name) {
    if (isLabel(name)) {
      return name;
    }
    if (name.endsWith("es") && isLabel(name.substring(0, name.length() - 2))) {
      return name.substring(0, name.length() - 2);
    }
    if (name.endsWith("s") && isLabel(name.substring(0, name.length() - 1))) {
      return name.substring(0, name.length() - 1);
    }
    return null;
  }

  /** Every label a query may filter on, sorted (for error messages and the OpenAPI doc). */
  public static Set<String> all() {
    Set<String> all = new TreeSet<>(COCO);
    all.add(FACE);
    return all;
  }
}
