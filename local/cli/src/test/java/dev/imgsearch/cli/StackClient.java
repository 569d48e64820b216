package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.schemas.Topics;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the local-stack ITs do to a running {@link LocalStack}: upload through its S3 server, GET
 * its HTTP endpoints, ask the query API whether an image is indexed, count the dead letters.
 * Failures are {@link AssertionError}s.
 */
final class StackClient {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private StackClient() {}

  /** An S3 client of the stack's S3 server with the stack's keys. */
  static MinioClient s3(LocalStack stack) {
    return MinioClient.builder()
        .endpoint(stack.s3Endpoint())
        .credentials(stack.settings().accessKey(), stack.settings().secretKey())
        .build();
  }

  /** Uploads {@code bytes} as {@code bucket/key} with the given user metadata. */
  static void put(
      MinioClient s3,
      String bucket,
      String key,
      byte[] bytes,
      String contentType,
      Map<String, String> meta) {
    try {
      putObject(s3, bucket, key, bytes, contentType, meta);
    } catch (Exception e) {
      throw new AssertionError("upload of " + key + " failed", e);
    }
  }

  /**
   * Uploads the photo file {@code photo} as {@code bucket/key} from {@code source}, as {@code
   * image/png} when its name ends with .png, else as {@code image/jpeg}.
   */
  static void putPhoto(MinioClient s3, String bucket, String key, Path photo, String source)
      throws IOException {
    put(
        s3,
        bucket,
        key,
        Files.readAllBytes(photo),
        photo.toString().endsWith(".png") ? "image/png" : "image/jpeg",
        Map.of("source", source));
  }

  /** As {@link #put}, an S3 failure thrown as is (for a client that retries). */
  static void putObject(
      MinioClient s3,
      String bucket,
      String key,
      byte[] bytes,
      String contentType,
      Map<String, String> meta)
      throws Exception {
    s3.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), (long) bytes.length, null)
            .contentType(contentType)
            .userMetadata(meta)
            .build());
  }

  /** The status code of a GET. */
  static int status(String url) {
    return send(url, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** The body of a GET, whatever its status. */
  static String get(String url) {
    return send(url, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** True when the query API at {@code api} knows the image id. */
  static boolean indexed(String api, String id) {
    return status(api + "/v1/images/" + id + "/similar?k=1") == 200;
  }

  /** How many records the dead-letter topic of the Kafka at {@code bootstrap} holds. */
  static int deadLetterCount(String bootstrap) {
    Map<String, Object> p =
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "group.id",
            "faults-" + System.nanoTime(),
            "enable.auto.commit",
            "false");
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(Topics.DEAD_LETTERS.name()).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      return (int) parts.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
    }
  }

  /** The JSON body of {@code request}'s response, which must have status {@code status}. */
  static JsonNode json(HttpRequest request, int status) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(request.uri() + ": " + r.body()).isEqualTo(status);
    return JSON.readTree(r.body());
  }

  private static <T> HttpResponse<T> send(String url, HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), body);
    } catch (Exception e) {
      throw new AssertionError("GET " + url + ": " + e, e);
    }
  }
}
