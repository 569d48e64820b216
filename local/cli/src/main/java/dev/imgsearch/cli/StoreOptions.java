package dev.imgsearch.cli;

import dev.imgsearch.local.servers.MilvusServer;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The vector-store options of every command that opens a store ({@code local}, {@code bench},
 * {@code reindex}); a picocli mixin. {@code --vector-store} names the store the command writes and
 * reads, the same two kinds everywhere, with one default ({@link
 * LocalStackSettings#DEFAULT_VECTOR_STORE}).
 */
final class StoreOptions {
  /** The vector stores. */
  enum VectorStore {
    /** Lucene HNSW on disk, in the process that writes it. */
    embedded,
    milvus
  }

  @Option(
      names = "--vector-store",
      defaultValue = LocalStackSettings.DEFAULT_VECTOR_STORE,
      converter = VectorStoreConverter.class,
      description =
          "embedded (Lucene HNSW on disk; `lucene` is accepted as its old name) or milvus (default: ${DEFAULT-VALUE}).")
  VectorStore vectorStore;

  @Option(
      names = "--milvus-uri",
      description =
          "Milvus server to use with --vector-store milvus, e.g. http://127.0.0.1:19530. Without it `local` and `bench`"
              + " start the bundled Milvus standalone server (installed under .tools by scripts/test-deps.sh) with its"
              + " data in <data-dir>/milvus and stop it afterwards; `reindex` needs it.")
  String milvusUri;

  /** Whether {@code --vector-store milvus} came without {@code --milvus-uri}. */
  boolean needsBundledMilvus() {
    return vectorStore == VectorStore.milvus && (milvusUri == null || milvusUri.isBlank());
  }

  /**
   * Fails with one line naming the install script when the bundled Milvus server is not installed
   * (before anything is started).
   */
  static void requireMilvusInstalled() {
    try {
      MilvusServer.executable();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "--vector-store milvus without --milvus-uri starts the bundled Milvus server, which is not installed"
              + " (.tools/milvus-venv); install it with scripts/test-deps.sh, or pass --milvus-uri");
    }
  }

  /** {@code embedded} or {@code milvus} in any case; {@code lucene}, the old name of embedded. */
  static final class VectorStoreConverter implements ITypeConverter<VectorStore> {
    @Override
    public VectorStore convert(String value) {
      String name = value.strip().toLowerCase(Locale.ROOT);
      if (name.equals("lucene")) {
        return VectorStore.embedded;
      }
      for (VectorStore v : VectorStore.values()) {
        if (v.name().equals(name)) {
          return v;
        }
      }
      throw new TypeConversionException(
          "expected one of [embedded, milvus] but was '" + value + "'");
    }
  }
}
