package dev.imgsearch.schemas.config;

/**
 * The object-store options every stage that reads S3 declares alike: {@code s3.endpoint} (each
 * stage says what it reads there) and the credentials that go with it.
 */
public final class S3Options {
  private S3Options() {}

  public static final ConfigOption<String> ACCESS_KEY =
      ConfigOptions.key("s3.access-key")
          .stringType()
          .noDefaultValue()
          .withDescription("object store access key (needed with s3.endpoint)");
  public static final ConfigOption<String> SECRET_KEY =
      ConfigOptions.key("s3.secret-key")
          .stringType()
          .noDefaultValue()
          .withDescription("object store secret key (needed with s3.endpoint)")
          .secret();

  /** {@code s3.endpoint}, without a default, described by the stage that declares it. */
  public static ConfigOption<String> endpoint(String description) {
    return ConfigOptions.key("s3.endpoint")
        .stringType()
        .noDefaultValue()
        .withDescription(description);
  }
}
