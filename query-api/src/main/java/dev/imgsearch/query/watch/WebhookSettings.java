package dev.imgsearch.query.watch;

import dev.imgsearch.schemas.watch.InvalidWatchException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Alert delivery by webhook: which hosts a watch's {@code webhook} may name (an allow-list, so the
 * API cannot be made to POST to internal addresses), the HMAC key of the signature, how often a
 * delivery is tried and how long one attempt may take. No allowed host = webhooks off (a watch with
 * a webhook is refused). Pure.
 *
 * @param allowedHosts host names in lower case; {@code *.example.com} allows every subdomain
 * @param secret HMAC-SHA256 key of {@code X-Imgsearch-Signature}
 */
public record WebhookSettings(
    Set<String> allowedHosts, String secret, int maxAttempts, Duration timeout) {

  /** Option naming the allowed hosts (named in the refusal when webhooks are off). */
  public static final String ALLOWED_HOSTS_OPTION = "webhooks.allowed-hosts";

  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Longest accepted webhook URL. */
  public static final int MAX_URL_LENGTH = 2048;

  /** Webhooks off. */
  public static final WebhookSettings OFF =
      new WebhookSettings(Set.of(), "", DEFAULT_MAX_ATTEMPTS, DEFAULT_TIMEOUT);

  public WebhookSettings {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(timeout, "timeout");
    TreeSet<String> hosts = new TreeSet<>();
    for (String h : allowedHosts) {
      String host = h.trim().toLowerCase(Locale.ROOT);
      if (host.isEmpty() || host.contains("/") || host.contains(":") && !host.startsWith("[")) {
        throw new IllegalArgumentException(
            "--"
                + ALLOWED_HOSTS_OPTION
                + ": '"
                + h
                + "' is not a host name (no scheme, port or path)");
      }
      hosts.add(host);
    }
    allowedHosts = Set.copyOf(hosts);
    if (!allowedHosts.isEmpty() && secret.isBlank()) {
      throw new IllegalArgumentException(
          "--" + ALLOWED_HOSTS_OPTION + " needs --webhooks.secret (the HMAC key receivers verify)");
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
      throw new IllegalArgumentException(
          "--webhooks.max-attempts must be 1..20, got " + maxAttempts);
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException(
          "--webhooks.timeout must be positive and at most 1 minute, got " + timeout);
    }
  }

  /** Whether webhooks are on (some host allowed). */
  public boolean enabled() {
    return !allowedHosts.isEmpty();
  }

  /**
   * {@code url} if a watch may deliver to it: absolute http or https, a host on the allow-list, no
   * user info, at most {@value #MAX_URL_LENGTH} characters. Blank = null (no webhook).
   *
   * @throws InvalidWatchException naming field {@code webhook} (or the option, when webhooks are
   *     off)
   */
  public String check(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    if (!enabled()) {
      throw new InvalidWatchException(
          "field 'webhook': webhooks are off on this API (set "
              + ALLOWED_HOSTS_OPTION
              + " to the receivers' hosts)");
    }
    String u = url.trim();
    if (u.length() > MAX_URL_LENGTH) {
      throw new InvalidWatchException(
          "field 'webhook' must be at most " + MAX_URL_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw new InvalidWatchException("field 'webhook' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidWatchException(
          "field 'webhook' must be an http or https URL, got '" + bounded(u) + "'");
    }
    if (uri.getHost() == null) {
      throw new InvalidWatchException("field 'webhook' has no host: '" + bounded(u) + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new InvalidWatchException(
          "field 'webhook' must not carry user info (the request is signed instead)");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (!allows(host)) {
      throw new InvalidWatchException(
          "field 'webhook': host '"
              + host
              + "' is not in "
              + ALLOWED_HOSTS_OPTION
              + " "
              + allowedHosts);
    }
    return u;
  }

  /** Whether {@code host} (lower case) is on the allow-list. */
  boolean allows(String host) {
    for (String a : allowedHosts) {
      if (a.equals(host) || a.startsWith("*.") && host.endsWith(a.substring(1))) {
        return true;
      }
    }
    return false;
  }

  private static String bounded(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }

  /** Without the secret, for the start-up log. */
  @Override
  public String toString() {
    return enabled()
        ? "webhooks to " + allowedHosts + " (" + maxAttempts + " attempts, timeout " + timeout + ")"
        : "webhooks off";
  }
}
