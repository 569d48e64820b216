package dev.imgsearch.local.servers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code milvus.yaml} settings a launched server gets on top of the launcher's template, passed
 * as {@code --extra-config key=value}: {@link #DEFAULTS}, then the comma-separated {@code
 * key=value} pairs of system property {@value #PROPERTY} or env {@value #ENV} (a later value of the
 * same key wins). The launcher only replaces keys its template has.
 */
final class MilvusServerSettings {
  static final String PROPERTY = "imgsearch.milvus.extra-config";
  static final String ENV = "IMGSEARCH_MILVUS_EXTRA_CONFIG";

  /**
   * A killed server leaves its etcd sessions behind until their TTL runs out, and until then the
   * restarted server keeps the collection's channel on the dead node: 10 s instead of the default
   * 30 cut the first Strong read after a restart from 24 s to about 4 s.
   */
  static final int SESSION_TTL_SECONDS = 10;

  /** The settings every launched server gets. */
  static final Map<String, String> DEFAULTS =
      Map.of("common.session.ttl", Integer.toString(SESSION_TTL_SECONDS));

  private MilvusServerSettings() {}

  /** {@link #DEFAULTS} with the overrides of {@value #PROPERTY} / {@value #ENV}. */
  static Map<String, String> effective() {
    return merge(MilvusInstall.configured(PROPERTY, ENV));
  }

  /**
   * {@link #DEFAULTS} with {@code overrides} ({@code key=value,key=value}) applied.
   *
   * @throws IllegalArgumentException for a pair without {@code =} or with an empty key or value
   */
  static Map<String, String> merge(Optional<String> overrides) {
    Map<String, String> settings = new LinkedHashMap<>(new TreeMap<>(DEFAULTS));
    overrides.ifPresent(
        text -> {
          for (String pair : text.split(",")) {
            if (pair.isBlank()) {
              continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).trim();
            String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (key.isEmpty() || value.isEmpty()) {
              throw new IllegalArgumentException(
                  PROPERTY
                      + " / "
                      + ENV
                      + " must be key=value pairs separated by commas, e.g. proxy.timeTickInterval=100: "
                      + pair);
            }
            settings.put(key, value);
          }
        });
    return settings;
  }

  /** The launcher arguments for {@code settings}: {@code --extra-config key=value} each. */
  static List<String> arguments(Map<String, String> settings) {
    List<String> args = new ArrayList<>();
    settings.forEach((key, value) -> args.addAll(List.of("--extra-config", key + "=" + value)));
    return args;
  }
}
