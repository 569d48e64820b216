package dev.imgsearch.schemas.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The options of one stage, declared once: parses flags and environment variables into a typed
 * {@link Configuration}, rejects unknown keys (suggesting the nearest known one), names the
 * environment variable of each option ({@code <PREFIX><KEY>} upper case, {@code .} and {@code -} as
 * {@code _}), prints the help and the README's option table, and shows an effective configuration
 * with secrets masked.
 */
public final class OptionRegistry {
  private final String stage;
  private final String envPrefix;
  private final Map<String, ConfigOption<?>> options = new LinkedHashMap<>();

  private OptionRegistry(String stage, String envPrefix, Collection<ConfigOption<?>> declared) {
    this.stage = stage;
    this.envPrefix = envPrefix;
    for (ConfigOption<?> o : declared) {
      if (options.put(o.key(), o) != null) {
        throw new IllegalArgumentException(stage + ": option " + o.key() + " declared twice");
      }
    }
  }

  /**
   * @param stage the stage's name, for messages ({@code ingest-stream})
   * @param envPrefix the prefix of its environment variables ({@code IMGSEARCH_INGEST_})
   */
  public static OptionRegistry of(String stage, String envPrefix, List<ConfigOption<?>> declared) {
    return new OptionRegistry(stage, envPrefix, declared);
  }

  public String stage() {
    return stage;
  }

  public Set<String> keys() {
    return options.keySet();
  }

  public Collection<ConfigOption<?>> options() {
    return options.values();
  }

  public String envName(ConfigOption<?> option) {
    return envName(option.key());
  }

  public String envName(String key) {
    return envPrefix + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Options from the environment ({@link #envName}), overridden by {@code flags}. */
  public Configuration fromEnv(Map<String, String> env, Map<String, String> flags) {
    Map<String, String> m = new HashMap<>();
    for (String key : options.keySet()) {
      String v = env.get(envName(key));
      if (v != null) {
        m.put(key, v);
      }
    }
    m.putAll(flags);
    return parse(m);
  }

  /**
   * Checks and parses the given options. Blank values count as not given.
   *
   * @throws IllegalArgumentException for an unknown key, a value of the wrong form, or a missing
   *     required option, naming the option
   */
  public Configuration parse(Map<String, String> given) {
    Map<String, Object> values = new HashMap<>();
    Map<String, String> kept = new HashMap<>();
    for (Map.Entry<String, String> e : given.entrySet()) {
      ConfigOption<?> o = options.get(e.getKey());
      if (o == null) {
        throw new IllegalArgumentException(unknown(e.getKey()));
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        continue;
      }
      values.put(o.key(), o.parse(e.getValue()));
      kept.put(o.key(), e.getValue());
    }
    for (ConfigOption<?> o : options.values()) {
      if (o.isRequired() && !values.containsKey(o.key()) && !o.hasDefault()) {
        throw new IllegalArgumentException(
            "missing required option " + o.key() + " (env " + envName(o) + ")");
      }
    }
    return new Configuration(this, values, kept);
  }

  void requireDeclared(ConfigOption<?> option) {
    if (options.get(option.key()) == null) {
      throw new IllegalStateException(stage + " does not declare option " + option.key());
    }
  }

  private String unknown(String key) {
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (String k : options.keySet()) {
      int d = editDistance(key, k);
      if (d < best) {
        best = d;
        nearest = k;
      }
    }
    String hint =
        nearest != null && best <= Math.max(2, key.length() / 4)
            ? " (did you mean " + nearest + "?)"
            : "";
    return "unknown option "
        + key
        + hint
        + "; "
        + stage
        + " knows: "
        + String.join(", ", options.keySet());
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** The effective configuration, one option per line in declaration order, secrets masked. */
  public String describe(Configuration c) {
    StringJoiner j = new StringJoiner("\n  ", "\n  ", "");
    for (ConfigOption<?> o : options.values()) {
      Object v = c.get(o);
      String shown = v == null ? "(none)" : o.isSecret() ? "****" : String.valueOf(v);
      j.add(o.key() + " = " + shown);
    }
    return j.toString();
  }

  /** The {@code --help} text: every option with its type, default and env name. */
  public String help() {
    StringBuilder b = new StringBuilder();
    b.append(stage)
        .append(" options (flags --name value or --name=value; or env ")
        .append(envPrefix)
        .append("<NAME>):\n");
    for (ConfigOption<?> o : options.values()) {
      b.append(
          String.format(
              "  --%-28s %s [%s; default %s]%s%n",
              o.key(),
              o.description(),
              o.typeName(),
              o.defaultText(),
              o.isSecret() ? " (secret)" : ""));
    }
    return b.toString();
  }

  /**
   * The option table a README documents: the text between {@code <!-- options:begin ... -->} and
   * {@code <!-- options:end -->}, stripped; null without the markers. A stage's doc test compares
   * it with {@link #markdownTable()}.
   */
  public static String documentedTable(String readme) {
    int b = readme.indexOf("<!-- options:begin");
    int e = readme.indexOf("<!-- options:end -->");
    if (b < 0 || e < b) {
      return null;
    }
    return readme.substring(readme.indexOf("-->", b) + 3, e).strip();
  }

  /** The option table of the stage's README (checked against the README by a test). */
  public String markdownTable() {
    StringBuilder b =
        new StringBuilder("| option | default | meaning | env |\n| --- | --- | --- | --- |\n");
    for (ConfigOption<?> o : options.values()) {
      String def = o.defaultText().isEmpty() ? "(empty)" : "`" + o.defaultText() + "`";
      if (o.isRequired()
          || o.defaultText().equals("—")
          || o.defaultText().contains(" ")
          || o.defaultText().startsWith("(")) {
        def = o.defaultText(); // words, not a value
      }
      b.append("| `")
          .append(o.key())
          .append("` | ")
          .append(def)
          .append(" | ")
          .append(o.description().replace("|", "\\|"))
          .append(o.isSecret() ? " (secret: masked in the log)" : "")
          .append(" | `")
          .append(envName(o))
          .append("` |\n");
    }
    return b.toString();
  }
}
