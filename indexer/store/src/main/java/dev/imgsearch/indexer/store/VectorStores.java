package dev.imgsearch.indexer.store;

import dev.imgsearch.indexer.store.lucene.LuceneVectorStore;
import dev.imgsearch.indexer.store.lucene.PointerFileAliases;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Opens stores from {@link StoreSettings}. Embedded stores are shared per collection directory
 * within a JVM (reference-counted), so the Flink sink and the query API of the local stack see the
 * same near-real-time index. An embedded collection name that is an alias ({@link
 * PointerFileAliases}) opens the collection it points at, as of the call; Milvus resolves its
 * aliases on the server at every request.
 */
public final class VectorStores {
  private static final Map<Path, Shared> EMBEDDED = new HashMap<>();

  private VectorStores() {}

  public static VectorStore open(StoreSettings settings) {
    return switch (settings.kind()) {
      case EMBEDDED -> {
        Embedded e = Embedded.of(settings);
        yield acquireEmbedded(e.dir(), e.spec());
      }
      case MILVUS -> MilvusStores.open(settings);
    };
  }

  /**
   * Opens a store for reading only. An embedded store is opened without its write lock ({@link
   * LuceneVectorStore#reader}: another process writes it, this one sees its commits within 100 ms)
   * and not shared; Milvus is opened as by {@link #open} (its writers and readers are separate
   * clients anyway).
   */
  public static VectorStore openReader(StoreSettings settings) {
    return switch (settings.kind()) {
      case EMBEDDED -> {
        Embedded e = Embedded.of(settings);
        yield LuceneVectorStore.reader(e.dir(), e.spec());
      }
      case MILVUS -> MilvusStores.open(settings);
    };
  }

  /** An embedded collection's directory and spec, its name resolved if it is an alias. */
  private record Embedded(Path dir, CollectionSpec spec) {
    static Embedded of(StoreSettings settings) {
      Path root = Path.of(settings.path()).toAbsolutePath().normalize();
      CollectionSpec spec = settings.spec();
      String target = new PointerFileAliases(root).target(spec.name()).orElse(spec.name());
      return new Embedded(root.resolve(target), spec.withName(target));
    }
  }

  private static synchronized VectorStore acquireEmbedded(Path dir, CollectionSpec spec) {
    Shared shared = EMBEDDED.get(dir);
    if (shared == null) {
      shared = new Shared(dir, new LuceneVectorStore(dir, spec));
      EMBEDDED.put(dir, shared);
    } else if (!shared.delegate.spec().equals(spec)) {
      throw new IllegalStateException(
          "embedded store " + dir + " is open with " + shared.delegate.spec() + ", not " + spec);
    }
    shared.refs++;
    return new Handle(shared);
  }

  private static synchronized void release(Shared shared) {
    if (--shared.refs == 0) {
      EMBEDDED.remove(shared.dir);
      shared.delegate.close();
    }
  }

  private static final class Shared {
    final Path dir;
    final LuceneVectorStore delegate;
    int refs;

    Shared(Path dir, LuceneVectorStore delegate) {
      this.dir = dir;
      this.delegate = delegate;
    }
  }

  /** A reference to a shared embedded store; closing it releases the reference. */
  private static final class Handle extends ForwardingVectorStore {
    private final Shared shared;
    private boolean closed;

    Handle(Shared shared) {
      super(shared.delegate);
      this.shared = shared;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        release(shared);
      }
    }
  }
}
