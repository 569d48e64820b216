package dev.imgsearch.cli;

import dev.imgsearch.schemas.DaemonThreads;
import dev.imgsearch.schemas.FieldLimits;
import io.minio.BucketExistsArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.UploadObjectArgs;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code imgsearch ingest DIR}: uploads every image under DIR to the bucket through the S3 API, in
 * parallel, with the source, capture time and tags as user metadata. Resumable: objects already
 * stored with the same content are skipped.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Upload every image under DIR to the bucket (S3 API), as <source>/<path under DIR>.",
      "Capture time: EXIF DateTimeOriginal (JPEG, TIFF), else the file's modification time.",
      "Resumable: files already in the bucket with the same size (and MD5, for single-part uploads) are skipped."
    })
final class IngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final Set<String> IMAGE_EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff");
  static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "jpg",
          "image/jpeg",
          "jpeg",
          "image/jpeg",
          "png",
          "image/png",
          "gif",
          "image/gif",
          "bmp",
          "image/bmp",
          "webp",
          "image/webp",
          "tif",
          "image/tiff",
          "tiff",
          "image/tiff");
  static final int MAX_PARALLELISM = 64;

  /** Attempts per file when the store is unreachable or answers 5xx. */
  static final int ATTEMPTS = 3;

  /**
   * Give up when this many files in a row failed on I/O or 5xx (the store is down; a re-run
   * resumes).
   */
  static final int MAX_CONSECUTIVE_FAILURES = 20;

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory to upload (recursively).")
  Path dir;

  @Option(
      names = "--source",
      defaultValue = "local",
      description =
          "Source / camera name stored with each image and used as key prefix: letters, digits, . _ - (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(
      names = "--tags",
      paramLabel = "TAG[,TAG...]",
      description =
          "Tags stored with each image, comma-separated or repeated, e.g. --tags street,night.")
  List<String> tags = new ArrayList<>();

  @Option(
      names = {"-p", "--parallelism"},
      defaultValue = "4",
      description = "Parallel uploads, 1.." + MAX_PARALLELISM + " (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--time-zone",
      paramLabel = "ZONE",
      converter = ZoneConverter.class,
      description =
          "Time zone of EXIF times that carry no offset (cameras record local time), e.g. Europe/Berlin (default: this machine's).")
  ZoneId timeZone;

  @Mixin S3Options s3;

  /** Where the progress line goes; null when stderr is not a terminal. */
  PrintStream progressOut = System.console() != null ? System.err : null;

  /** A time zone id or offset, with a message that says what is expected. */
  static final class ZoneConverter implements CommandLine.ITypeConverter<ZoneId> {
    @Override
    public ZoneId convert(String value) {
      try {
        return ZoneId.of(value.strip());
      } catch (java.time.DateTimeException e) {
        throw new CommandLine.TypeConversionException(
            "unknown time zone '"
                + value
                + "' (expected a region such as Europe/Berlin, UTC or an offset such as +02:00)");
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    // every value is checked before anything is read or sent
    ObjectMetadata.source(source);
    List<String> tagList = ObjectMetadata.tags(tags);
    if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
      throw new IllegalArgumentException(
          "--parallelism must be between 1 and " + MAX_PARALLELISM + ", got " + parallelism);
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    ZoneId zone = timeZone != null ? timeZone : ZoneId.systemDefault();
    List<Path> files = imagesUnder(dir);
    if (files.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "imgsearch ingest: no images ("
                  + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList())
                  + ") under "
                  + dir);
      return 1;
    }
    MinioClient client = s3.client();
    Map<String, UploadCheck.Stored> stored;
    try {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(s3.bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(s3.bucket).build());
      }
      stored = listStored(client, source + "/");
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot use bucket "
              + s3.bucket
              + " at "
              + s3.endpoint
              + " (is `./imgsearch local` running?): "
              + CliErrors.describe(e),
          e);
    }

    IngestProgress progress = new IngestProgress(files.size(), System.nanoTime());
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ingest-progress"));
    if (progressOut != null) {
      ticker.scheduleAtFixedRate(
          () -> showProgress(progressOut, progress), 0, 500, TimeUnit.MILLISECONDS);
    }
    ExecutorService uploaders =
        Executors.newFixedThreadPool(parallelism, DaemonThreads.named("ingest-upload"));
    AtomicInteger consecutiveFailures = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Path file : files) {
        futures.add(
            uploaders.submit(
                () -> {
                  if (consecutiveFailures.get() >= MAX_CONSECUTIVE_FAILURES) {
                    progress.failed.incrementAndGet();
                    return;
                  }
                  try {
                    if (uploadOne(
                        client, file, stored.get(objectKey(source, dir, file)), tagList, zone)) {
                      progress.uploaded.incrementAndGet();
                    } else {
                      progress.skipped.incrementAndGet();
                    }
                    consecutiveFailures.set(0);
                  } catch (Exception e) {
                    progress.failed.incrementAndGet();
                    if (UploadCheck.retriable(e)) { // the store is failing, not this file
                      consecutiveFailures.incrementAndGet();
                    }
                    synchronized (System.err) {
                      clearProgress(progressOut);
                      spec.commandLine()
                          .getErr()
                          .println(
                              "imgsearch ingest: cannot upload "
                                  + file
                                  + ": "
                                  + CliErrors.describe(e));
                    }
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      uploaders.shutdownNow();
      ticker.shutdownNow();
      ticker.awaitTermination(1, TimeUnit.SECONDS);
    }
    clearProgress(progressOut);
    if (consecutiveFailures.get() >= MAX_CONSECUTIVE_FAILURES) {
      spec.commandLine()
          .getErr()
          .println(
              "imgsearch ingest: gave up after "
                  + MAX_CONSECUTIVE_FAILURES
                  + " files in a row failed on the store; the rest were not tried");
    }
    spec.commandLine().getOut().println(progress.summary(System.nanoTime(), s3.bucket, source));
    return progress.failed.get() == 0 ? 0 : 1;
  }

  /**
   * Uploads one file unless it is already stored; true when uploaded. Retries I/O and 5xx failures,
   * bounded.
   */
  private boolean uploadOne(
      MinioClient client, Path file, UploadCheck.Stored already, List<String> tagList, ZoneId zone)
      throws Exception {
    String key = objectKey(source, dir, file);
    String overLimit = FieldLimits.violation(s3.bucket, key, source, tagList);
    if (overLimit != null) {
      throw new IllegalArgumentException("the index cannot hold it: " + overLimit);
    }
    long size = Files.size(file);
    if (UploadCheck.alreadyUploaded(size, () -> md5Hex(file), already)) {
      return false;
    }
    Instant capturedAt = CaptureTime.of(file, zone);
    UploadObjectArgs args =
        UploadObjectArgs.builder()
            .bucket(s3.bucket)
            .object(key)
            .filename(file.toString())
            .contentType(CONTENT_TYPES.get(extension(file)))
            .userMetadata(ObjectMetadata.of(source, capturedAt, tagList))
            .build();
    for (int attempt = 1; ; attempt++) {
      try {
        client.uploadObject(args);
        return true;
      } catch (Exception e) {
        if (attempt >= ATTEMPTS
            || !UploadCheck.retriable(e)
            || e.getCause() instanceof NoSuchFileException) {
          throw e;
        }
        Thread.sleep(250L << attempt); // 0.5 s, 1 s
      }
    }
  }

  /** Size and eTag of every object under {@code prefix}. */
  private Map<String, UploadCheck.Stored> listStored(MinioClient client, String prefix)
      throws Exception {
    Map<String, UploadCheck.Stored> out = new ConcurrentHashMap<>();
    for (Result<Item> r :
        client.listObjects(
            ListObjectsArgs.builder().bucket(s3.bucket).prefix(prefix).recursive(true).build())) {
      Item item = r.get();
      if (!item.isDir()) {
        out.put(item.objectName(), new UploadCheck.Stored(item.size(), item.etag()));
      }
    }
    return out;
  }

  static String md5Hex(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void showProgress(PrintStream out, IngestProgress progress) {
    synchronized (System.err) {
      out.print("\r" + progress.line(System.nanoTime()) + "   ");
      out.flush();
    }
  }

  private static void clearProgress(PrintStream out) {
    if (out != null) {
      out.print("\r" + " ".repeat(79) + "\r");
      out.flush();
    }
  }

  static List<Path> imagesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> IMAGE_EXTENSIONS.contains(extension(p)))
          .sorted()
          .toList();
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
}
