package dev.imgsearch.embedder.job;

import dev.imgsearch.schemas.S3Clients;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ObjectFetcher} over the S3 API with the MinIO Java SDK. An object over {@code
 * maxObjectBytes} is refused before the GET when the event announces its size, and otherwise by its
 * {@code Content-Length} or, at the latest, after reading {@code maxObjectBytes + 1} bytes ({@link
 * FetchErrors#OBJECT_TOO_LARGE}); errors are classified by {@link FetchErrors} and retried per its
 * {@link FetchErrors.Policy}.
 */
public final class MinioObjectFetcher implements ObjectFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(MinioObjectFetcher.class);

  /** Default {@code fetch.max-bytes}: 64 MiB. */
  public static final long DEFAULT_MAX_OBJECT_BYTES = 64L << 20;

  /** Largest {@code fetch.max-bytes} (one Java array). */
  public static final long MAX_OBJECT_BYTES_LIMIT = Integer.MAX_VALUE - 16;

  private final MinioClient client;
  private final long maxObjectBytes;
  private final FetchErrors.Policy policy;

  public MinioObjectFetcher(MinioClient client) {
    this(client, DEFAULT_MAX_OBJECT_BYTES, FetchErrors.Policy.DEFAULT);
  }

  public MinioObjectFetcher(MinioClient client, long maxObjectBytes, FetchErrors.Policy policy) {
    this.client = Objects.requireNonNull(client, "client");
    this.maxObjectBytes = checkMax(maxObjectBytes);
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  static long checkMax(long maxObjectBytes) {
    if (maxObjectBytes < 1 || maxObjectBytes > MAX_OBJECT_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "fetch.max-bytes must be in 1.." + MAX_OBJECT_BYTES_LIMIT + ": " + maxObjectBytes);
    }
    return maxObjectBytes;
  }

  /** Serializable settings; the client is built where the fetcher runs. */
  public record Settings(
      String endpoint,
      String accessKey,
      String secretKey,
      long maxObjectBytes,
      FetchErrors.Policy policy)
      implements Factory {
    public Settings {
      checkMax(maxObjectBytes);
      Objects.requireNonNull(policy, "policy");
    }

    /** With the default size limit and retry policy. */
    public Settings(String endpoint, String accessKey, String secretKey) {
      this(endpoint, accessKey, secretKey, DEFAULT_MAX_OBJECT_BYTES, FetchErrors.Policy.DEFAULT);
    }

    @Override
    public ObjectFetcher create() {
      return new MinioObjectFetcher(
          S3Clients.minio(endpoint, accessKey, secretKey).build(), maxObjectBytes, policy);
    }
  }

  @Override
  public Optional<byte[]> fetch(String bucket, String key) throws IOException {
    return fetch(bucket, key, null);
  }

  @Override
  public Optional<byte[]> fetch(String bucket, String key, Long size) throws IOException {
    String tooLarge = FetchErrors.sizeViolation(size, maxObjectBytes);
    if (tooLarge != null) {
      throw new ObjectRejectedException(
          FetchErrors.OBJECT_TOO_LARGE, bucket + "/" + key + ": " + tooLarge, null);
    }
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      String code = null;
      int status = 0;
      Exception error;
      try {
        return Optional.of(read(bucket, key));
      } catch (ObjectRejectedException e) {
        throw e;
      } catch (ErrorResponseException e) {
        code = e.errorResponse() == null ? null : e.errorResponse().code();
        status = e.response() == null ? 0 : e.response().code();
        error = e;
      } catch (ServerException e) {
        status = e.statusCode();
        error = e;
      } catch (Exception e) {
        error = e;
      }
      FetchErrors.Kind kind = FetchErrors.classify(code, status, error);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      FetchErrors.Action action = policy.next(kind, attempt, elapsed);
      String what =
          "GET "
              + bucket
              + "/"
              + key
              + ": "
              + (code == null ? "" : code + " ")
              + (status == 0 ? "" : "HTTP " + status + " ")
              + error;
      if (action == FetchErrors.Action.MISSING) {
        return Optional.empty();
      }
      if (action == FetchErrors.Action.DEAD_LETTER) {
        throw new ObjectRejectedException(FetchErrors.FETCH_FAILED, what, error);
      }
      if (action == FetchErrors.Action.FAIL_TASK) {
        throw new IOException(
            what
                + " ("
                + kind
                + ", gave up after "
                + attempt
                + " attempts, "
                + elapsed.toMillis()
                + " ms)",
            error);
      }
      LOG.warn(
          "{} ({}, attempt {}), retrying in {} ms", what, kind, attempt, action.delay().toMillis());
      try {
        Thread.sleep(action.delay().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while retrying " + what);
      }
    }
  }

  private byte[] read(String bucket, String key) throws Exception {
    try (GetObjectResponse in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      String length = in.headers().get("Content-Length");
      long announced = -1;
      if (length != null) {
        try {
          announced = Long.parseLong(length.trim());
          String tooLarge = FetchErrors.sizeViolation(announced, maxObjectBytes);
          if (tooLarge != null) {
            throw new ObjectRejectedException(
                FetchErrors.OBJECT_TOO_LARGE, bucket + "/" + key + ": " + tooLarge, null);
          }
        } catch (NumberFormatException ignored) {
          // read and count instead
        }
      }
      byte[] bytes = readBody(in, announced, maxObjectBytes);
      if (bytes.length > maxObjectBytes) {
        throw new ObjectRejectedException(
            FetchErrors.OBJECT_TOO_LARGE,
            bucket + "/" + key + ": object over " + maxObjectBytes + " bytes",
            null);
      }
      return bytes;
    }
  }

  /**
   * The body, at most {@code max + 1} bytes (one more than allowed shows it is too large). With a
   * known length ({@code announced} ≥ 0) it is read into one array of that size; otherwise, and if
   * more bytes come than announced, read and counted in chunks ({@link
   * InputStream#readNBytes(int)}, which copies every 8 kB chunk once more).
   */
  static byte[] readBody(InputStream in, long announced, long max) throws IOException {
    if (announced < 0 || announced > max) {
      return in.readNBytes((int) max + 1);
    }
    byte[] body = new byte[(int) announced];
    int got = in.readNBytes(body, 0, body.length);
    if (got < body.length) {
      return Arrays.copyOf(body, got);
    }
    int next = in.read();
    if (next < 0) {
      return body;
    }
    byte[] rest = in.readNBytes((int) (max - announced));
    byte[] all = Arrays.copyOf(body, body.length + 1 + rest.length);
    all[body.length] = (byte) next;
    System.arraycopy(rest, 0, all, body.length + 1, rest.length);
    return all;
  }
}
