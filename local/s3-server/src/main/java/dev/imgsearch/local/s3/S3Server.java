package dev.imgsearch.local.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * S3Proxy serving the S3 protocol on 127.0.0.1 from a directory, with every object write and delete
 * published to Kafka as a MinIO bucket notification (see {@link NotifyingBlobStore}).
 *
 * <p>Storage is S3Proxy's {@code filesystem} backend: one directory per bucket under the data
 * directory, one file per object, metadata (content type, user metadata, eTag) in the files' user
 * extended attributes, so the data directory must be on a file system with user xattrs (ext4, xfs,
 * btrfs; not every tmpfs). Objects survive restarts. Requests must be signed with the configured
 * access and secret key (AWS signature V4; V2 is accepted too).
 */
public final class S3Server implements AutoCloseable {
  /** Start-up settings; {@code port} 0 picks a free port. */
  public record Config(
      Path dataDir,
      int port,
      String accessKey,
      String secretKey,
      List<String> buckets,
      String bootstrapServers,
      String topic) {
    public Config {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(topic, "topic");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0..65535, was " + port);
      }
      if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
        throw new IllegalArgumentException("access key and secret key must not be blank");
      }
      buckets = List.copyOf(buckets);
    }
  }

  private static final String HOST = "127.0.0.1";

  private final S3Proxy proxy;
  private final KafkaNotificationPublisher publisher;

  private S3Server(S3Proxy proxy, KafkaNotificationPublisher publisher) {
    this.proxy = proxy;
    this.publisher = publisher;
  }

  /**
   * Connects to Kafka, creates the missing buckets and starts serving; returns once requests are
   * accepted.
   */
  public static S3Server start(Config config) {
    BlobStore backend = new FilesystemNio2BlobStore(createDirectories(config.dataDir()).toString());
    for (String bucket : config.buckets()) {
      if (!backend.containerExists(bucket)) {
        backend.createContainer(bucket);
      }
    }
    KafkaNotificationPublisher publisher =
        KafkaNotificationPublisher.connect(config.bootstrapServers(), config.topic());
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new NotifyingBlobStore(backend, publisher))
            .endpoint(URI.create("http://" + HOST + ":" + config.port()))
            .awsAuthentication(
                AuthenticationType.AWS_V2_OR_V4, config.accessKey(), config.secretKey())
            .stopTimeout(5_000)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      publisher.close();
      throw new IllegalStateException(
          "cannot start S3Proxy on port " + config.port() + ": " + e.getMessage(), e);
    }
    return new S3Server(proxy, publisher);
  }

  /** The port actually bound. */
  public int port() {
    return proxy.getPort();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://" + HOST + ":" + port();
  }

  /**
   * Stops serving (in-flight requests get a few seconds to finish), then closes the Kafka producer.
   */
  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop S3Proxy", e);
    } finally {
      publisher.close();
    }
  }

  private static Path createDirectories(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dir, e);
    }
  }
}
