package dev.imgsearch.query.it;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.query.ImageContentSource;
import dev.imgsearch.query.PerceptualHasher;
import dev.imgsearch.schemas.ImageIds;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The test corpus for the HTTP ITs: Debian opencv-doc sample photos (installed by {@code
 * scripts/test-deps.sh}), embedded with the real model and written to a real store with varied
 * metadata, plus an {@link ImageContentSource} that serves their bytes.
 */
final class IndexedPhotos implements ImageContentSource {

  static final String BUCKET = "images"; // the API's default allowed bucket
  static final Instant FIRST_CAPTURE = Instant.parse("2024-05-01T00:00:00Z");
  static final List<String> SOURCES = List.of("cam-a", "cam-b", "yard/gate:2");

  /** One indexed photo. */
  record Photo(
      Path file,
      String key,
      String source,
      Instant capturedAt,
      List<String> tags,
      float[] vector,
      long phash) {
    String id() {
      return ImageIds.of(BUCKET, key);
    }

    byte[] bytes() {
      try {
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String contentType() {
      return file.toString().endsWith(".png") ? "image/png" : "image/jpeg";
    }
  }

  final List<Photo> photos;
  private final Map<String, Photo> byKey = new LinkedHashMap<>();

  private IndexedPhotos(List<Photo> photos) {
    this.photos = List.copyOf(photos);
    photos.forEach(p -> byKey.put(p.key(), p));
  }

  static Path photosDir() {
    Path dir = Path.of(System.getProperty("imgsearch.repo.root", "..")).resolve(".tools/photos");
    if (!Files.isRegularFile(dir.resolve(".complete"))) {
      throw new IllegalStateException(
          "test photos missing in " + dir + ": run scripts/test-deps.sh");
    }
    return dir;
  }

  /**
   * Embeds every photo and upserts it: photo i gets source {@code SOURCES[i % 3]}, tags {@code day}
   * (even i) or {@code night, street} (odd i), and capture time {@code FIRST_CAPTURE + i hours};
   * its perceptual hash is computed as the embedder job does ({@link
   * PerceptualHasher#forEmbedder}).
   */
  static IndexedPhotos index(ImageEmbedder embedder, VectorStore store) throws Exception {
    List<Path> files;
    try (var s = Files.list(photosDir())) {
      files = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    if (files.size() < 20) {
      throw new IllegalStateException(
          "expected at least 20 photos in " + photosDir() + ", found " + files.size());
    }
    PerceptualHasher hasher = PerceptualHasher.forEmbedder(embedder);
    List<Photo> photos = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      byte[] bytes = Files.readAllBytes(f);
      float[] vector = embedder.embed(bytes);
      photos.add(
          new Photo(
              f,
              "cam/" + f.getFileName(),
              SOURCES.get(i % SOURCES.size()),
              FIRST_CAPTURE.plusSeconds(3600L * i),
              i % 2 == 0 ? List.of("day") : List.of("night", "street"),
              vector,
              hasher.hash(bytes)));
    }
    List<VectorRecord> records =
        photos.stream()
            .map(
                p ->
                    new VectorRecord(
                            p.id(),
                            p.vector(),
                            BUCKET,
                            p.key(),
                            p.source(),
                            p.capturedAt().toEpochMilli(),
                            p.tags(),
                            embedder.modelId())
                        .withPhash(p.phash()))
            .toList();
    store.upsert(records);
    store.flush();
    return new IndexedPhotos(photos);
  }

  Photo named(String fileName) {
    return byKey.get("cam/" + fileName);
  }

  Photo newest() {
    return photos.get(photos.size() - 1);
  }

  @Override
  public Optional<Content> open(String bucket, String key) {
    Photo p = BUCKET.equals(bucket) ? byKey.get(key) : null;
    if (p == null) {
      return Optional.empty();
    }
    byte[] bytes = p.bytes();
    return Optional.of(new Content(new ByteArrayInputStream(bytes), p.contentType(), bytes.length));
  }
}
