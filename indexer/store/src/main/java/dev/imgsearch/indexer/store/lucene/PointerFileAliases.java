package dev.imgsearch.indexer.store.lucene;

import dev.imgsearch.indexer.store.CollectionAliases;
import dev.imgsearch.indexer.store.CollectionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Aliases of the embedded store: {@code <root>/<alias>.alias} holds the target collection's name
 * (its directory is {@code <root>/<collection>}). Re-pointing writes a temporary file and renames
 * it over the old one (atomic on POSIX file systems), so a reader sees the old or the new name,
 * never a partial one.
 */
public final class PointerFileAliases implements CollectionAliases {
  public static final String SUFFIX = ".alias";
  private final Path root;

  public PointerFileAliases(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The pointer file of {@code alias}. */
  public Path file(String alias) {
    return root.resolve(alias + SUFFIX);
  }

  @Override
  public Optional<String> target(String alias) {
    Path file = file(alias);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String name = Files.readString(file, StandardCharsets.UTF_8).trim();
      return name.isEmpty() ? Optional.empty() : Optional.of(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read alias " + file, e);
    }
  }

  @Override
  public void repoint(String alias, String collection) {
    CollectionSpec.of(collection, 1); // validates the name
    if (alias.equals(collection)) {
      throw new IllegalArgumentException("an alias cannot point at itself: " + alias);
    }
    if (!Files.isDirectory(root.resolve(collection))) {
      throw new IllegalArgumentException("no embedded collection " + collection + " under " + root);
    }
    if (Files.isDirectory(root.resolve(alias))) {
      throw new IllegalArgumentException(
          alias + " is a collection under " + root + ", it cannot become an alias");
    }
    try {
      Files.createDirectories(root);
      Path tmp = Files.createTempFile(root, alias, ".tmp");
      Files.writeString(tmp, collection + "\n", StandardCharsets.UTF_8);
      Files.move(
          tmp, file(alias), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot point alias " + alias + " at " + collection, e);
    }
  }

  @Override
  public void close() {}
}
