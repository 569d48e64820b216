package dev.imgsearch.schemas.config;

import dev.imgsearch.schemas.CommaSeparated;
import dev.imgsearch.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Builds {@link ConfigOption}s: {@code
 * ConfigOptions.key("dedup.ttl").durationType().defaultValue(Duration.ofHours(1))
 * .withDescription("…")}.
 */
public final class ConfigOptions {
  private ConfigOptions() {}

  public static KeyBuilder key(String key) {
    if (key == null || !key.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "option keys are lower-case words joined by '.' or '-': " + key);
    }
    return new KeyBuilder(key);
  }

  /** A topic's name as a string option {@code key}, defaulting to the project's {@code topic}. */
  public static ConfigOption<String> topic(
      String key, Topics.Topic<?, ?> topic, String description) {
    return key(key).stringType().defaultValue(topic.name()).withDescription(description);
  }

  /** Chooses the type. */
  public static final class KeyBuilder {
    private final String key;

    private KeyBuilder(String key) {
      this.key = key;
    }

    public TypedBuilder<String> stringType() {
      return new TypedBuilder<>(key, "string", s -> s);
    }

    public TypedBuilder<Integer> intType() {
      return new TypedBuilder<>(key, "int", Integer::valueOf);
    }

    public TypedBuilder<Long> longType() {
      return new TypedBuilder<>(key, "long", Long::valueOf);
    }

    public TypedBuilder<Boolean> booleanType() {
      return new TypedBuilder<>(key, "boolean", ConfigOptions::parseBoolean);
    }

    public TypedBuilder<Double> doubleType() {
      return new TypedBuilder<>(key, "number", Double::valueOf);
    }

    /**
     * ISO-8601 ({@code PT1H}, {@code PT0.5S}) or a whole number with a unit: {@code 50ms}, {@code
     * 5s}, {@code 2min}, {@code 1h}.
     */
    public TypedBuilder<Duration> durationType() {
      return new TypedBuilder<>(
          key, "duration (e.g. PT1H, 5s, 50ms)", ConfigOptions::parseDuration);
    }

    /** Comma-separated, blanks dropped; empty text = empty list. */
    public TypedBuilder<List<String>> listType() {
      return new TypedBuilder<>(key, "comma-separated list", CommaSeparated::items);
    }

    /** One of the given words (case-insensitive; the value is returned as declared). */
    public TypedBuilder<String> oneOf(String... values) {
      List<String> allowed = List.of(values);
      return new TypedBuilder<>(
          key,
          "one of " + String.join(", ", allowed),
          s ->
              allowed.stream()
                  .filter(v -> v.equalsIgnoreCase(s))
                  .findFirst()
                  .orElseThrow(() -> new IllegalArgumentException("not one of " + allowed)));
    }
  }

  /** Sets the default (or none) and the description. */
  public static final class TypedBuilder<T> {
    private final String key;
    private final String typeName;
    private final Function<String, T> parser;
    private T defaultValue;
    private boolean required;

    private TypedBuilder(String key, String typeName, Function<String, T> parser) {
      this.key = key;
      this.typeName = typeName;
      this.parser = parser;
    }

    public TypedBuilder<T> defaultValue(T value) {
      this.defaultValue = value;
      return this;
    }

    /** The start fails without it. */
    public TypedBuilder<T> required() {
      this.required = true;
      return this;
    }

    /** No default: absent means "not configured" (the stage decides what that means). */
    public TypedBuilder<T> noDefaultValue() {
      this.defaultValue = null;
      return this;
    }

    public ConfigOption<T> withDescription(String description) {
      return new ConfigOption<>(
          key, typeName, parser, defaultValue, null, description, false, required);
    }
  }

  static boolean parseBoolean(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("not true or false");
    };
  }

  static Duration parseDuration(String s) {
    if (s.startsWith("P") || s.startsWith("p")) {
      return Duration.parse(s);
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|min|m|h)")
            .matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not ISO-8601 (PT5S) nor a number with ms, s, min or h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
