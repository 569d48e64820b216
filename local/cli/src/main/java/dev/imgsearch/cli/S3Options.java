package dev.imgsearch.cli;

import picocli.CommandLine.Option;

/**
 * The S3 connection options of the commands that talk to the bucket ({@code ingest}, {@code
 * delete}); a picocli mixin.
 */
final class S3Options {
  @Option(
      names = "--endpoint",
      defaultValue = "http://127.0.0.1:" + LocalStackSettings.DEFAULT_S3_PORT,
      description = "S3 endpoint (default: ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(
      names = "--bucket",
      defaultValue = LocalStackSettings.DEFAULT_BUCKET,
      description = "Bucket (default: ${DEFAULT-VALUE}).")
  String bucket;

  @Option(
      names = "--access-key",
      defaultValue = LocalStackSettings.DEFAULT_ACCESS_KEY,
      description = "S3 access key (default: the local stack's).")
  String accessKey;

  @Option(
      names = "--secret-key",
      defaultValue = LocalStackSettings.DEFAULT_SECRET_KEY,
      description = "S3 secret key (default: the local stack's).")
  String secretKey;

  /** A client for {@link #endpoint} with the given keys. */
  io.minio.MinioClient client() {
    return dev.imgsearch.schemas.S3Clients.minio(endpoint, accessKey, secretKey).build();
  }
}
