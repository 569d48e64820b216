package dev.imgsearch.cli;

import picocli.CommandLine.Option;

/**
 * {@code --api} and {@code --api-key} of the commands that talk to the query API ({@code search},
 * {@code watch}, {@code alerts}); a picocli mixin.
 */
final class ApiOptions {
  @Option(
      names = "--api",
      defaultValue = "http://127.0.0.1:" + LocalStackSettings.DEFAULT_HTTP_PORT,
      description = "Query API base URL (default: ${DEFAULT-VALUE}).")
  String api;

  @Option(
      names = "--api-key",
      defaultValue = "${env:IMGSEARCH_API_KEY}",
      description = "X-API-Key for an API that requires one (default: env IMGSEARCH_API_KEY).")
  String apiKey;

  ApiCall call() {
    return new ApiCall(api, apiKey);
  }
}
