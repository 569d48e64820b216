package dev.imgsearch.query.server;

import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.schemas.config.ConfigOption;
import dev.imgsearch.schemas.config.ConfigOptions;
import dev.imgsearch.schemas.config.Configuration;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/** The options of alert delivery by webhook ({@link WebhookSettings}). */
public final class WebhookOptions {
  private WebhookOptions() {}

  public static final ConfigOption<List<String>> ALLOWED_HOSTS =
      ConfigOptions.key(WebhookSettings.ALLOWED_HOSTS_OPTION)
          .listType()
          .noDefaultValue()
          .withDescription(
              "comma-separated hosts a watch's webhook may name (*.example.com: any subdomain);"
                  + " none: webhooks refused");
  public static final ConfigOption<String> SECRET =
      ConfigOptions.key("webhooks.secret")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "HMAC-SHA256 key of the X-Imgsearch-Signature header (needed with allowed hosts)")
          .secret();
  public static final ConfigOption<Integer> MAX_ATTEMPTS =
      ConfigOptions.key("webhooks.max-attempts")
          .intType()
          .defaultValue(WebhookSettings.DEFAULT_MAX_ATTEMPTS)
          .withDescription("tries of one alert (5xx, timeout, connection error) before giving up");
  public static final ConfigOption<Duration> TIMEOUT =
      ConfigOptions.key("webhooks.timeout")
          .durationType()
          .defaultValue(WebhookSettings.DEFAULT_TIMEOUT)
          .withDescription("bound on connecting and on the answer of one webhook attempt");

  public static final List<ConfigOption<?>> ALL =
      List.of(ALLOWED_HOSTS, SECRET, MAX_ATTEMPTS, TIMEOUT);

  /** The webhook settings; an invalid combination fails with the option's name. */
  public static WebhookSettings settings(Configuration c) {
    String secret = c.get(SECRET);
    return new WebhookSettings(
        new HashSet<>(Objects.requireNonNullElse(c.get(ALLOWED_HOSTS), List.of())),
        secret == null ? "" : secret,
        c.get(MAX_ATTEMPTS),
        c.get(TIMEOUT));
  }
}
