package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.local.servers.S3ServerProcess;
import dev.imgsearch.local.servers.testing.BrokerPerClass;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.Item;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imgsearch ingest} and {@code imgsearch delete} against the real S3 server (and the Kafka
 * broker it publishes notifications to): metadata of every object, resume by size and MD5, deletes.
 */
class IngestCommandIT extends BrokerPerClass {
  static final String ACCESS = LocalStackSettings.DEFAULT_ACCESS_KEY;
  static final String SECRET = LocalStackSettings.DEFAULT_SECRET_KEY;
  static final Instant MTIME = Instant.parse("2021-03-04T05:06:07Z");

  static S3ServerProcess s3;

  @TempDir Path photos;

  @BeforeAll
  static void startServers() {
    s3 =
        S3ServerProcess.start(
            dir.resolve("s3"),
            0,
            ACCESS,
            SECRET,
            broker.bootstrapServers(),
            "imgsearch.minio-events",
            "images");
  }

  @AfterAll
  static void stopServers() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void uploadsWithMetadataResumesAndDeletes() throws Exception {
    List<Path> sample;
    try (var s = Files.list(LocalStackContract.photosDir())) {
      sample =
          s.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().limit(5).toList();
    }
    Files.createDirectories(photos.resolve("trip"));
    for (Path p : sample) {
      Path copy = Files.copy(p, photos.resolve("trip").resolve(p.getFileName()));
      Files.setLastModifiedTime(copy, FileTime.from(MTIME));
    }
    Path exif =
        Files.write(
            photos.resolve("exif.jpg"),
            CaptureTimeTest.jpegWithExif("2023:07:14 18:00:00", "+02:00"));
    Files.writeString(photos.resolve("notes.txt"), "not an image");
    int total = sample.size() + 1;

    String[] common = {
      "--endpoint",
      s3.endpoint(),
      "--source",
      "trip-cam",
      "--tags",
      "holiday,beach",
      "--parallelism",
      "3"
    };
    CliUsageErrorsTest.Run first = ingest(common);
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .startsWith("Uploaded " + total + " of " + total + " images to images (source trip-cam)")
        .contains("skipped 0 already uploaded");
    assertThat(first.err()).isEmpty(); // not a terminal: no progress line

    MinioClient client =
        MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS, SECRET).build();
    Map<String, String> exifMeta = meta(client, "trip-cam/exif.jpg");
    assertThat(exifMeta)
        .containsEntry("source", "trip-cam")
        .containsEntry("tags", "holiday,beach")
        .containsEntry("captured-at", "2023-07-14T16:00:00Z");
    String someKey = "trip-cam/trip/" + sample.get(0).getFileName();
    assertThat(meta(client, someKey))
        .containsEntry("captured-at", MTIME.toString())
        .containsEntry("source", "trip-cam");
    assertThat(keys(client))
        .filteredOn(k -> k.startsWith("trip-cam/"))
        .hasSize(total)
        .doesNotContain("trip-cam/notes.txt");

    // again: nothing to do
    CliUsageErrorsTest.Run second = ingest(common);
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out())
        .startsWith("Uploaded 0 of " + total)
        .contains("skipped " + total + " already uploaded");

    // one file changed in place, same size: the MD5 tells
    Path changed = photos.resolve("trip").resolve(sample.get(1).getFileName());
    byte[] bytes = Files.readAllBytes(changed);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(changed, bytes);
    CliUsageErrorsTest.Run third = ingest(common);
    assertThat(third.exitCode()).as(third.err()).isZero();
    assertThat(third.out())
        .startsWith("Uploaded 1 of " + total)
        .contains("skipped " + (total - 1) + " already uploaded");

    // delete two objects and a key that does not exist
    String other = "trip-cam/trip/" + sample.get(2).getFileName();
    CliUsageErrorsTest.Run deleted =
        CliUsageErrorsTest.run(
            "delete", "--endpoint", s3.endpoint(), someKey, other, "trip-cam/never-uploaded.jpg");
    assertThat(deleted.exitCode()).isEqualTo(1);
    assertThat(deleted.err().lines().toList())
        .containsExactly("imgsearch delete: no such object: images/trip-cam/never-uploaded.jpg");
    assertThat(deleted.out()).startsWith("Deleted 2 objects from images; 1 not found.");
    assertThat(keys(client))
        .filteredOn(k -> k.startsWith("trip-cam/"))
        .hasSize(total - 2)
        .doesNotContain(someKey, other);

    // a resumed run puts back exactly what was deleted
    CliUsageErrorsTest.Run fourth = ingest(common);
    assertThat(fourth.out()).startsWith("Uploaded 2 of " + total);
    assertThat(keys(client)).filteredOn(k -> k.startsWith("trip-cam/")).hasSize(total);
    assertThat(exif).exists();
  }

  @Test
  void aFileTheIndexCannotHoldFailsAloneAndTheRestIsUploaded() throws Exception {
    Files.write(photos.resolve("ok.jpg"), CaptureTimeTest.jpeg());
    Path deep = photos;
    for (int i = 0; i < 5; i++) {
      deep = deep.resolve("d".repeat(220));
    }
    Files.createDirectories(deep);
    Files.write(deep.resolve("deep.jpg"), CaptureTimeTest.jpeg());
    CliUsageErrorsTest.Run r = ingest("--endpoint", s3.endpoint(), "--source", "deep-cam");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("Uploaded 1 of 2 images")
        .contains("; 1 failed (run the same command again to retry them).");
    assertThat(r.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith("imgsearch ingest: cannot upload " + deep.resolve("deep.jpg"))
        .contains("the index cannot hold it: key of");
    MinioClient client =
        MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS, SECRET).build();
    assertThat(keys(client)).contains("deep-cam/ok.jpg").noneMatch(k -> k.endsWith("deep.jpg"));
  }

  @Test
  void anUnreachableStoreIsOneLineAndExit1() throws Exception {
    Files.write(photos.resolve("a.jpg"), CaptureTimeTest.jpeg());
    CliUsageErrorsTest.Run r =
        CliUsageErrorsTest.run("ingest", photos.toString(), "--endpoint", "http://127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err())
        .startsWith(
            "imgsearch ingest: cannot use bucket images at http://127.0.0.1:1 (is `./imgsearch local` running?)");
  }

  private CliUsageErrorsTest.Run ingest(String... options) {
    List<String> args = new ArrayList<>(List.of("ingest", photos.toString()));
    args.addAll(List.of(options));
    return CliUsageErrorsTest.run(args.toArray(String[]::new));
  }

  private static Map<String, String> meta(MinioClient client, String key) throws Exception {
    StatObjectResponse stat =
        client.statObject(StatObjectArgs.builder().bucket("images").object(key).build());
    Map<String, String> lower = new java.util.HashMap<>();
    for (Map.Entry<String, String> e : stat.userMetadata()) {
      lower.put(
          e.getKey().toLowerCase(java.util.Locale.ROOT).replaceFirst("^x-amz-meta-", ""),
          e.getValue());
    }
    return lower;
  }

  private static List<String> keys(MinioClient client) throws Exception {
    List<String> out = new ArrayList<>();
    for (Result<Item> r :
        client.listObjects(ListObjectsArgs.builder().bucket("images").recursive(true).build())) {
      out.add(r.get().objectName());
    }
    return out;
  }
}
