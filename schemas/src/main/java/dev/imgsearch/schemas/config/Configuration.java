package dev.imgsearch.schemas.config;

import java.util.Collections;
import java.util.Map;

/**
 * The parsed options of a stage ({@link OptionRegistry#parse}): every value already checked against
 * its option's type, unknown keys already rejected.
 */
public final class Configuration {
  private final OptionRegistry registry;
  private final Map<String, Object> values;
  private final Map<String, String> given;

  Configuration(OptionRegistry registry, Map<String, Object> values, Map<String, String> given) {
    this.registry = registry;
    this.values = Collections.unmodifiableMap(values);
    this.given = Collections.unmodifiableMap(given);
  }

  /** The value, or the option's default; null when neither. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigOption<T> option) {
    registry.requireDeclared(option);
    Object v = values.get(option.key());
    return v == null ? option.defaultValue() : (T) v;
  }

  /** The value or the default, failing with a message naming the option when neither exists. */
  public <T> T require(ConfigOption<T> option, String why) {
    T v = get(option);
    if (v == null || (v instanceof String s && s.isBlank())) {
      throw new IllegalArgumentException(
          "missing required option " + option.key() + (why == null ? "" : " (" + why + ")"));
    }
    return v;
  }

  /** Whether a value was given (not defaulted). */
  public boolean isSet(ConfigOption<?> option) {
    registry.requireDeclared(option);
    return values.containsKey(option.key());
  }

  /**
   * The options as given, text form (for code that still reads a plain map, e.g. {@code
   * KafkaSecurity}).
   */
  public Map<String, String> given() {
    return given;
  }

  public OptionRegistry registry() {
    return registry;
  }

  /** The effective configuration, one option per line, secrets masked. */
  @Override
  public String toString() {
    return registry.describe(this);
  }
}
