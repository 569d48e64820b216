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

  /**
   * Milvus' staleness bound for Bounded reads, ms (default 5000): a Bounded search sees every write
   * with a timestamp at least this much older than the search, and waits when the query node lags
   * further; in practice it sees writes about one time tick after their acknowledgement. 1 s keeps
   * the bound under the pipeline's freshness target while a query node loaded by a 20 images/s
   * stream stays well within it (no wait). docs/benchmarks.md, "Milvus reads".
   */
  static final int GRACEFUL_TIME_MS = 1000;

  /**
   * How often the proxy publishes a time tick, ms (default 200): the query node's clock (tsafe)
   * advances by ticks, so this is what a Strong read waits for and how soon a Bounded read sees a
   * write. 100 ms halves both at a cost of a few more tick messages per second.
   */
  static final int TIME_TICK_INTERVAL_MS = 100;

  /** The settings every launched server gets (the k8s Milvus manifest sets the same). */
  static final Map<String, String> DEFAULTS =
      Map.of(
          "common.session.ttl", Integer.toString(SESSION_TTL_SECONDS),
          "common.gracefulTime", Integer.toString(GRACEFUL_TIME_MS),
          "proxy.timeTickInterval", Integer.toString(TIME_TICK_INTERVAL_MS));

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
