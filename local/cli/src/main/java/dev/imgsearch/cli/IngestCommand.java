package dev.imgsearch.cli;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code imgsearch ingest DIR}: uploads every image under DIR to the bucket through the S3 API. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Upload every image under DIR to the bucket (S3 API).")
final class IngestCommand implements Callable<Integer> {
  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");
  static final Map<String, String> CONTENT_TYPES =
      Map.of("jpg", "image/jpeg", "jpeg", "image/jpeg", "png", "image/png", "gif", "image/gif", "bmp", "image/bmp",
          "webp", "image/webp", "tif", "image/tiff", "tiff", "image/tiff");

  @Parameters(index = "0", description = "Directory to upload (recursively).")
  Path dir;

  @Option(names = "--source", defaultValue = "local", description = "Source / camera name stored with each image (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--endpoint", defaultValue = "http://127.0.0.1:" + LocalStackSettings.DEFAULT_S3_PORT, description = "S3 endpoint (default: ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(names = "--bucket", defaultValue = LocalStackSettings.DEFAULT_BUCKET, description = "Bucket (default: ${DEFAULT-VALUE}).")
  String bucket;

  @Option(names = "--access-key", defaultValue = LocalStackSettings.DEFAULT_ACCESS_KEY)
  String accessKey;

  @Option(names = "--secret-key", defaultValue = LocalStackSettings.DEFAULT_SECRET_KEY)
  String secretKey;

  @Override
  public Integer call() throws Exception {
    List<Path> files = imagesUnder(dir);
    if (files.isEmpty()) {
      System.err.println("No images (" + String.join(", ", IMAGE_EXTENSIONS) + ") under " + dir);
      return 1;
    }
    MinioClient client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
    if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
    }
    int done = 0;
    for (Path file : files) {
      String key = objectKey(source, dir, file);
      client.uploadObject(
          UploadObjectArgs.builder()
              .bucket(bucket)
              .object(key)
              .filename(file.toString())
              .contentType(CONTENT_TYPES.get(extension(file)))
              .userMetadata(Map.of("source", source))
              .build());
      progress(System.out, ++done, files.size());
    }
    System.out.println();
    System.out.println("Uploaded " + done + " images to " + bucket + " (source " + source + ").");
    return 0;
  }

  static List<Path> imagesUnder(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> IMAGE_EXTENSIONS.contains(extension(p))).sorted().toList();
    }
  }

  /** {@code source/relative/path.jpg}, with '/' separators on every OS. */
  static String objectKey(String source, Path root, Path file) {
    String rel = root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    return source + "/" + rel;
  }

  static String extension(Path p) {
    String name = p.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  static void progress(PrintStream out, int done, int total) {
    int width = 30;
    int filled = (int) ((long) done * width / total);
    out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
    out.flush();
  }
}
