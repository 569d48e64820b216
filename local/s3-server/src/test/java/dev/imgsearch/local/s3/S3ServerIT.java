package dev.imgsearch.local.s3;

import static dev.imgsearch.local.servers.testing.Teardown.closeAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.KafkaBroker;
import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.schemas.minio.MinioNotification;
import dev.imgsearch.schemas.minio.MinioNotifications;
import io.minio.CopyObjectArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.messages.DeleteRequest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 server in its own JVM (started the way the local stack starts it) against a real broker,
 * driven through the MinIO SDK. Publishing is synchronous, so each notification is in Kafka when
 * the SDK call returns.
 */
class S3ServerIT {
  private static final String BUCKET = "images";
  private static final String TOPIC = "s3-server-it.minio-events";
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

  @TempDir static Path dir;
  static KafkaBroker broker;
  static S3ServerProcess s3;
  static MinioClient minio;
  static KafkaConsumer<String, String> consumer;

  @BeforeAll
  static void startServers() {
    long t0 = System.nanoTime();
    broker = KafkaBroker.start(dir.resolve("kafka"), 0);
    broker.createTopics(1, TOPIC);
    long t1 = System.nanoTime();
    s3 =
        S3ServerProcess.start(
            dir.resolve("s3"),
            0,
            "it-access",
            "it-secret-key",
            broker.bootstrapServers(),
            TOPIC,
            BUCKET);
    long t2 = System.nanoTime();
    System.out.printf(
        "Kafka ready in %d ms, S3 server process in %d ms%n",
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    minio =
        MinioClient.builder()
            .endpoint(s3.endpoint())
            .credentials(s3.accessKey(), s3.secretKey())
            .build();
    consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new StringDeserializer(),
            new StringDeserializer());
    consumer.assign(List.of(PARTITION));
  }

  @AfterAll
  static void stopServers() throws Exception {
    closeAll(consumer, s3, broker);
  }

  @Test
  void putAndDeletePublishMinioNotifications() throws Exception {
    String key = "albums/été 2024/☀ beach+sea.jpg";
    byte[] body = "not really a jpeg".getBytes(StandardCharsets.UTF_8);
    long offset = endOffset();

    ObjectWriteResponse put =
        minio.putObject(
            PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                    new ByteArrayInputStream(body), (long) body.length, -1L)
                .contentType("image/jpeg")
                .userMetadata(Map.of("source", "camera-1"))
                .build());
    minio.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(key).build());

    List<ConsumerRecord<String, String>> records = read(offset, 2);
    assertThat(records)
        .extracting(ConsumerRecord::key)
        .containsExactly(BUCKET + "/" + key, BUCKET + "/" + key);

    MinioNotification created = MinioNotifications.parse(records.get(0).value());
    assertThat(created.eventName()).isEqualTo("s3:ObjectCreated:Put");
    assertThat(created.key()).isEqualTo(BUCKET + "/" + key);
    MinioNotification.EventRecord createdRecord = created.records().get(0);
    assertThat(createdRecord.eventName()).isEqualTo("s3:ObjectCreated:Put");
    assertThat(createdRecord.bucketName()).isEqualTo(BUCKET);
    assertThat(createdRecord.s3().object().key())
        .isEqualTo("albums%2F%C3%A9t%C3%A9+2024%2F%E2%98%80+beach%2Bsea.jpg");
    assertThat(createdRecord.decodedKey()).isEqualTo(key);
    MinioNotification.S3Object object = createdRecord.s3().object();
    assertThat(object.size()).isEqualTo(body.length);
    assertThat(object.eTag()).isEqualTo(put.etag()).matches("[0-9a-f]{32}");
    assertThat(object.contentType()).isEqualTo("image/jpeg");
    assertThat(object.userMetadata())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("X-Amz-Meta-Source", "camera-1", "content-type", "image/jpeg"));
    assertThat(object.sequencer()).matches("[0-9A-F]{16}");
    assertThat(createdRecord.eventTime()).endsWith("Z");

    MinioNotification removed = MinioNotifications.parse(records.get(1).value());
    assertThat(removed.eventName()).isEqualTo("s3:ObjectRemoved:Delete");
    MinioNotification.EventRecord removedRecord = removed.records().get(0);
    assertThat(removedRecord.decodedKey()).isEqualTo(key);
    assertThat(removedRecord.s3().object().size()).isNull();
    assertThat(removedRecord.s3().object().eTag()).isNull();
    assertThat(removedRecord.s3().object().contentType()).isNull();
    assertThat(removedRecord.s3().object().userMetadata()).isNull();
    assertThat(removedRecord.s3().object().sequencer()).isGreaterThan(object.sequencer());
  }

  @Test
  void copyMultipartAndBatchDeleteAreReportedLikeMinio() throws Exception {
    long offset = endOffset();
    byte[] big = new byte[6 * 1024 * 1024];
    new Random(1).nextBytes(big);
    ObjectWriteResponse multipart =
        minio.putObject(
            PutObjectArgs.builder().bucket(BUCKET).object("big/one.bin").stream(
                    new ByteArrayInputStream(big), (long) big.length, 5L * 1024 * 1024)
                .contentType("application/octet-stream")
                .build());
    minio.copyObject(
        CopyObjectArgs.builder()
            .bucket(BUCKET)
            .object("big/two.bin")
            .source(SourceObject.builder().bucket(BUCKET).object("big/one.bin").build())
            .build());
    var errors =
        minio.removeObjects(
            RemoveObjectsArgs.builder()
                .bucket(BUCKET)
                .objects(
                    List.of(
                        new DeleteRequest.Object("big/one.bin"),
                        new DeleteRequest.Object("big/two.bin")))
                .build());
    for (var error : errors) {
      throw new AssertionError("delete failed: " + error.get());
    }

    List<MinioNotification> events =
        read(offset, 4).stream().map(r -> MinioNotifications.parse(r.value())).toList();
    assertThat(events.get(0).eventName()).isEqualTo("s3:ObjectCreated:CompleteMultipartUpload");
    MinioNotification.S3Object completed = events.get(0).records().get(0).s3().object();
    assertThat(completed.size()).isEqualTo(big.length);
    // The SDK reports the multipart eTag with the quotes of the XML response; notifications carry
    // it unquoted.
    assertThat(completed.eTag())
        .isEqualTo(multipart.etag().replace("\"", ""))
        .matches("[0-9a-f]{32}-2");
    assertThat(completed.contentType()).isEqualTo("application/octet-stream");

    assertThat(events.get(1).eventName()).isEqualTo("s3:ObjectCreated:Copy");
    assertThat(events.get(1).records().get(0).decodedKey()).isEqualTo("big/two.bin");
    assertThat(events.get(1).records().get(0).s3().object().size()).isEqualTo(big.length);

    assertThat(events.subList(2, 4))
        .extracting(MinioNotification::eventName)
        .containsOnly("s3:ObjectRemoved:Delete");
    assertThat(events.subList(2, 4))
        .extracting(n -> n.records().get(0).decodedKey())
        .containsExactlyInAnyOrder("big/one.bin", "big/two.bin");
  }

  @Test
  void objectsSurviveARestart() throws Exception {
    byte[] body = {1, 2, 3};
    minio.putObject(
        PutObjectArgs.builder().bucket(BUCKET).object("kept.bin").stream(
                new ByteArrayInputStream(body), (long) body.length, -1L)
            .build());
    String endpoint = s3.endpoint();

    long t0 = System.nanoTime();
    s3.restart();
    System.out.printf("S3 server restart in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    assertThat(s3.endpoint()).isEqualTo(endpoint);
    assertThat(
            minio
                .statObject(StatObjectArgs.builder().bucket(BUCKET).object("kept.bin").build())
                .size())
        .isEqualTo(body.length);
  }

  private static long endOffset() {
    return consumer.endOffsets(List.of(PARTITION)).get(PARTITION);
  }

  /**
   * Exactly {@code count} records from {@code offset} on; the S3 calls returned, so they are
   * already there.
   */
  private static List<ConsumerRecord<String, String>> read(long offset, int count) {
    consumer.seek(PARTITION, offset);
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (records.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    assertThat(records).hasSize(count);
    assertThat(endOffset()).isEqualTo(offset + count);
    return records;
  }
}
