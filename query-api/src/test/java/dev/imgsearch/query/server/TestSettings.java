package dev.imgsearch.query.server;

import java.util.HashMap;
import java.util.Map;

/** Option maps of the server tests: an API without keys over a stand-in Milvus URI. */
public final class TestSettings {
  private TestSettings() {}

  /** The options ({@code key, value, ...}) plus the explicit opt-out of API keys. */
  public static Map<String, String> anonymous(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    m.put("allow-anonymous", "true");
    return m;
  }

  /**
   * An anonymous API on {@code milvus.uri=http://m:1} reading objects from the S3 server at {@code
   * endpoint}; {@code publicEndpoint} (null: none) is the host the browsers use.
   */
  public static Map<String, String> anonymousWithS3(
      String endpoint, String accessKey, String secretKey, String publicEndpoint) {
    Map<String, String> m =
        anonymous(
            "milvus.uri",
            "http://m:1",
            "s3.endpoint",
            endpoint,
            "s3.access-key",
            accessKey,
            "s3.secret-key",
            secretKey);
    if (publicEndpoint != null) {
      m.put("s3.public-endpoint", publicEndpoint);
    }
    return m;
  }
}
