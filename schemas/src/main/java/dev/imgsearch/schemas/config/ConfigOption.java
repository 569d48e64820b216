package dev.imgsearch.schemas.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One option of a stage, declared once: key, type (a parser from the option's text), default,
 * description and whether it is secret. In the spirit of Flink's {@code ConfigOption}; built with
 * {@link ConfigOptions#key(String)}. Everything else — parsing, unknown-option rejection,
 * environment names, {@code --help}, masking secrets in the printed configuration and the README's
 * option tables — derives from these declarations ({@link OptionRegistry}).
 *
 * @param <T> the option's value type
 */
public final class ConfigOption<T> {
  private final String key;
  private final String typeName;
  private final Function<String, T> parser;
  private final T defaultValue;
  private final String defaultText;
  private final String description;
  private final boolean secret;
  private final boolean required;

  ConfigOption(
      String key,
      String typeName,
      Function<String, T> parser,
      T defaultValue,
      String defaultText,
      String description,
      boolean secret,
      boolean required) {
    this.key = Objects.requireNonNull(key, "key");
    this.typeName = Objects.requireNonNull(typeName, "typeName");
    this.parser = Objects.requireNonNull(parser, "parser");
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.description = Objects.requireNonNull(description, "description");
    this.secret = secret;
    this.required = required;
  }

  public String key() {
    return key;
  }

  /** What the value is, for help and docs: {@code string}, {@code int}, {@code duration}, … */
  public String typeName() {
    return typeName;
  }

  /** The default, or null when the option has none. */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean hasDefault() {
    return defaultValue != null;
  }

  /**
   * How the default is shown in help and docs (e.g. {@code PT1H}, {@code (required)}, {@code —}).
   */
  public String defaultText() {
    if (defaultText != null) {
      return defaultText;
    }
    if (required) {
      return "(required)";
    }
    return defaultValue == null ? "—" : String.valueOf(defaultValue);
  }

  public String description() {
    return description;
  }

  /** A secret is never printed: {@link OptionRegistry#describe} shows {@code ****}. */
  public boolean isSecret() {
    return secret;
  }

  public boolean isRequired() {
    return required;
  }

  /** This option, marked secret. */
  public ConfigOption<T> secret() {
    return new ConfigOption<>(
        key, typeName, parser, defaultValue, defaultText, description, true, required);
  }

  /** This option, marked required (a stage that cannot run without a shared option). */
  public ConfigOption<T> required() {
    return new ConfigOption<>(
        key, typeName, parser, defaultValue, defaultText, description, secret, true);
  }

  /**
   * This option with the default shown as {@code text} (for computed defaults such as a temp
   * directory).
   */
  public ConfigOption<T> withDefaultText(String text) {
    return new ConfigOption<>(
        key, typeName, parser, defaultValue, text, description, secret, required);
  }

  /**
   * Parses a value given for this option.
   *
   * @throws IllegalArgumentException naming the option and the expected form
   */
  public T parse(String text) {
    try {
      return parser.apply(text.trim());
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException(
          "option " + key + ": expected " + typeName + ", got '" + text + "' (" + why + ")", e);
    }
  }

  @Override
  public String toString() {
    return key;
  }
}
