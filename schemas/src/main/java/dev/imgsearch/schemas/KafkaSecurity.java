package dev.imgsearch.schemas;

import dev.imgsearch.schemas.config.ConfigOption;
import dev.imgsearch.schemas.config.ConfigOptions;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * How a stage's Kafka clients authenticate: the options {@code kafka.sasl.username}, {@code
 * kafka.sasl.password}, {@code kafka.security.protocol} and {@code kafka.sasl.mechanism}, read the
 * same way by ingest-stream and the embedder, turned into the client properties ({@link
 * #clientProperties()}) that every producer, consumer, admin client, Kafka Streams app and Flink
 * Kafka connector of the stage is given. Pure; the password never appears in {@link #toString()} or
 * {@link #describe()}.
 *
 * @param protocol {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}
 * @param mechanism the SASL mechanism; null when the protocol is not SASL
 * @param username null when the protocol is not SASL
 * @param password null when the protocol is not SASL
 */
public record KafkaSecurity(String protocol, String mechanism, String username, String password)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String USERNAME = "kafka.sasl.username";
  public static final String PASSWORD = "kafka.sasl.password";
  public static final String PROTOCOL = "kafka.security.protocol";
  public static final String MECHANISM = "kafka.sasl.mechanism";

  /** The option names, for the settings classes' option lists. */
  public static final List<String> OPTIONS = List.of(USERNAME, PASSWORD, PROTOCOL, MECHANISM);

  /**
   * The four options as declarations, for the stages' option registries; read back with {@link
   * #fromOptions}.
   */
  public static final List<ConfigOption<?>> CONFIG_OPTIONS =
      List.of(
          ConfigOptions.key(USERNAME)
              .stringType()
              .noDefaultValue()
              .withDescription(
                  "SASL user of every Kafka client; needs kafka.sasl.password (none: no authentication)"),
          ConfigOptions.key(PASSWORD)
              .stringType()
              .noDefaultValue()
              .withDescription("SASL password; needs kafka.sasl.username")
              .secret(),
          ConfigOptions.key(PROTOCOL)
              .stringType()
              .noDefaultValue()
              .withDescription("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
              .withDefaultText("SASL_PLAINTEXT with a username, else PLAINTEXT"),
          ConfigOptions.key(MECHANISM)
              .stringType()
              .noDefaultValue()
              .withDescription("SASL mechanism: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN")
              .withDefaultText("SCRAM-SHA-512"));

  public static final String DEFAULT_MECHANISM = "SCRAM-SHA-512";
  public static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  public static final List<String> MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

  /** No authentication: {@code security.protocol=PLAINTEXT}, nothing else. */
  public static final KafkaSecurity NONE = new KafkaSecurity("PLAINTEXT", null, null, null);

  public KafkaSecurity {
    if (!PROTOCOLS.contains(protocol)) {
      throw new IllegalArgumentException(
          PROTOCOL + " must be one of " + PROTOCOLS + ", not '" + protocol + "'");
    }
    if (sasl(protocol)) {
      if (!MECHANISMS.contains(mechanism)) {
        throw new IllegalArgumentException(
            MECHANISM + " must be one of " + MECHANISMS + ", not '" + mechanism + "'");
      }
      if (username == null || username.isEmpty()) {
        throw new IllegalArgumentException(
            "missing option " + USERNAME + " (required with " + PROTOCOL + "=" + protocol + ")");
      }
      if (password == null || password.isEmpty()) {
        throw new IllegalArgumentException(
            "missing option " + PASSWORD + " (required with " + USERNAME + ")");
      }
    } else if (username != null || password != null) {
      throw new IllegalArgumentException(
          USERNAME
              + "/"
              + PASSWORD
              + " need a SASL "
              + PROTOCOL
              + " (SASL_PLAINTEXT or SASL_SSL), not "
              + protocol);
    }
  }

  /**
   * Reads the four options from a stage's option map (absent and blank values count as not given).
   * Username and password come together or not at all; the protocol defaults to {@code
   * SASL_PLAINTEXT} with a username, else {@code PLAINTEXT}; the mechanism to {@value
   * #DEFAULT_MECHANISM}. Errors name the option.
   */
  public static KafkaSecurity fromOptions(Map<String, String> options) {
    String user = given(options, USERNAME);
    String password = given(options, PASSWORD);
    if (user != null && password == null) {
      throw new IllegalArgumentException(
          "missing option " + PASSWORD + " (required with " + USERNAME + ")");
    }
    if (password != null && user == null) {
      throw new IllegalArgumentException(
          "missing option " + USERNAME + " (required with " + PASSWORD + ")");
    }
    String protocol = given(options, PROTOCOL);
    protocol =
        protocol == null
            ? (user == null ? "PLAINTEXT" : "SASL_PLAINTEXT")
            : protocol.trim().toUpperCase(Locale.ROOT);
    String mechanism = given(options, MECHANISM);
    if (!sasl(protocol)) {
      if (mechanism != null) {
        throw new IllegalArgumentException(
            MECHANISM
                + " needs a SASL "
                + PROTOCOL
                + " (SASL_PLAINTEXT or SASL_SSL), not "
                + protocol);
      }
      return new KafkaSecurity(protocol, null, user, password);
    }
    mechanism = mechanism == null ? DEFAULT_MECHANISM : mechanism.trim().toUpperCase(Locale.ROOT);
    return new KafkaSecurity(protocol, mechanism, user, password);
  }

  /** SCRAM-SHA-512 over SASL_PLAINTEXT, as the k8s listener expects. */
  public static KafkaSecurity scram(String username, String password) {
    return new KafkaSecurity("SASL_PLAINTEXT", DEFAULT_MECHANISM, username, password);
  }

  public boolean authenticated() {
    return sasl(protocol);
  }

  /**
   * The properties to add to every Kafka client's configuration: {@code security.protocol}, and
   * with SASL {@code sasl.mechanism} and {@code sasl.jaas.config}. Without the prefix: Kafka
   * Streams hands unprefixed client settings to all its clients.
   */
  public Map<String, String> clientProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
    if (authenticated()) {
      p.put(SaslConfigs.SASL_MECHANISM, mechanism);
      p.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(mechanism, username, password));
    }
    return p;
  }

  /**
   * {@link #clientProperties()} with {@code extra} (e.g. {@code bootstrap.servers}) added, as a
   * mutable map.
   */
  public Map<String, Object> with(Map<String, ?> extra) {
    Map<String, Object> p = new LinkedHashMap<>(extra);
    p.putAll(clientProperties());
    return p;
  }

  /**
   * The JAAS line of the mechanism's login module ({@code ScramLoginModule} for SCRAM, {@code
   * PlainLoginModule} for PLAIN), the values quoted with {@code "} and {@code \} escaped.
   */
  public static String jaasConfig(String mechanism, String username, String password) {
    String module =
        mechanism.startsWith("SCRAM-")
            ? "org.apache.kafka.common.security.scram.ScramLoginModule"
            : "org.apache.kafka.common.security.plain.PlainLoginModule";
    return module + " required username=" + quote(username) + " password=" + quote(password) + ";";
  }

  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** The effective options for the start-up log, password masked. */
  public Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(PROTOCOL, protocol);
    if (authenticated()) {
      d.put(MECHANISM, mechanism);
      d.put(USERNAME, username);
      d.put(PASSWORD, "****");
    }
    return d;
  }

  @Override
  public String toString() {
    return "KafkaSecurity" + describe();
  }

  private static boolean sasl(String protocol) {
    return protocol != null && protocol.startsWith("SASL_");
  }

  private static String given(Map<String, String> options, String name) {
    String v = options.get(name);
    return v == null || v.isBlank() ? null : v;
  }
}
