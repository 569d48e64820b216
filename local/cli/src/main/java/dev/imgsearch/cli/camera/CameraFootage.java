package dev.imgsearch.cli.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The footage: the JPEG files of a directory in file-name order (as {@code ffmpeg -i vtest.avi
 * DIR/%04d.jpg} numbers them), their names without extension (what the people labels name) and
 * bytes.
 */
record CameraFootage(List<String> names, List<byte[]> frames) {
  static CameraFootage load(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--camera: not a directory: " + dir);
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(CameraFootage::isJpeg).sorted().toList();
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "--camera: no JPEG frames in "
              + dir
              + " (extract them with: ffmpeg -i vtest.avi "
              + dir
              + "/%04d.jpg)");
    }
    List<String> names = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    for (Path f : files) {
      String name = f.getFileName().toString();
      names.add(name.substring(0, name.lastIndexOf('.')));
      frames.add(Files.readAllBytes(f));
    }
    return new CameraFootage(names, frames);
  }

  static boolean isJpeg(Path f) {
    String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(f) && (name.endsWith(".jpg") || name.endsWith(".jpeg"));
  }

  int size() {
    return frames.size();
  }

  long meanBytes() {
    return frames.stream().mapToLong(b -> b.length).sum() / frames.size();
  }
}
