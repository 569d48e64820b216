package dev.imgsearch.indexer.reindex;

import dev.imgsearch.indexer.store.CollectionAliases;
import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.indexer.store.VectorStore;
import dev.imgsearch.indexer.store.VectorStores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The re-index command's work: replay the compacted embeddings topic into a new collection, catch
 * up with what was written meanwhile, swap the alias ({@link Reindexer}), then apply the changes
 * that reached the topic between the last catch-up round and the swap to the new collection. See
 * indexer/README.md "Re-index without downtime" for what the live indexer must do around it.
 */
public final class TopicReindex {
  private TopicReindex() {}

  /**
   * What to re-index.
   *
   * @param aliasSettings the store, with the alias readers use as its collection
   * @param collection the new collection, e.g. {@code images_mnv2_v2}
   * @param model target model tag ({@code id@version}); null adopts the first embedding's model
   * @param batch changes per store write
   * @param maxTailLag the catch-up ends after a round that started at most this many offsets behind
   * @param maxRounds at most this many rounds before the swap (the full replay is the first)
   * @param tailAfterSwap whether to apply the changes written between the last round and the swap
   *     afterwards
   */
  public record Options(
      String bootstrap,
      String topic,
      Map<String, Object> consumerProperties,
      StoreSettings aliasSettings,
      String collection,
      String model,
      ModelPolicy.OnMismatch onMismatch,
      int batch,
      long maxTailLag,
      int maxRounds,
      boolean tailAfterSwap,
      Duration stallTimeout) {
    public Options {
      Objects.requireNonNull(bootstrap, "bootstrap");
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(aliasSettings, "aliasSettings");
      Objects.requireNonNull(collection, "collection");
      consumerProperties = consumerProperties == null ? Map.of() : Map.copyOf(consumerProperties);
      onMismatch = Objects.requireNonNullElse(onMismatch, ModelPolicy.OnMismatch.SKIP);
      stallTimeout = Objects.requireNonNullElse(stallTimeout, Duration.ofSeconds(60));
      if (batch < 1 || maxTailLag < 0 || maxRounds < 1) {
        throw new IllegalArgumentException(
            "batch ≥ 1, maxTailLag ≥ 0 and maxRounds ≥ 1 are required");
      }
    }

    /**
     * Defaults: any model (the first one replayed), skip other models, batches of 1 000, tail ≤ 1
     * 000, 10 rounds.
     */
    public static Options of(
        String bootstrap, String topic, StoreSettings aliasSettings, String collection) {
      return new Options(
          bootstrap,
          topic,
          Map.of(),
          aliasSettings,
          collection,
          null,
          ModelPolicy.OnMismatch.SKIP,
          1000,
          1000,
          10,
          true,
          Duration.ofSeconds(60));
    }

    public Options withModel(String m, ModelPolicy.OnMismatch on) {
      return with(m, on, batch, maxTailLag, maxRounds, tailAfterSwap);
    }

    public Options withCatchUp(long tailLag, int rounds, boolean afterSwap) {
      return with(model, onMismatch, batch, tailLag, rounds, afterSwap);
    }

    public Options withBatch(int b) {
      return with(model, onMismatch, b, maxTailLag, maxRounds, tailAfterSwap);
    }

    /** These options with another model policy, batch size and catch-up. */
    private Options with(
        String m, ModelPolicy.OnMismatch on, int b, long tailLag, int rounds, boolean afterSwap) {
      return new Options(
          bootstrap,
          topic,
          consumerProperties,
          aliasSettings,
          collection,
          m,
          on,
          b,
          tailLag,
          rounds,
          afterSwap,
          stallTimeout);
    }
  }

  /**
   * What a re-index did.
   *
   * @param changes topic records replayed before the swap (upserts and tombstones)
   * @param tailAfterSwap records applied to the new collection after the swap
   */
  public record Summary(
      Reindexer.Result result,
      String model,
      long changes,
      long tombstones,
      long skippedOtherModel,
      long skippedOtherDimension,
      int rounds,
      long tailAfterSwap,
      double seconds) {
    public String describe() {
      return String.format(
          Locale.ROOT,
          "alias %s: %s → %s; %,d changes replayed in %d round(s) (%,d deletes; %,d of other models and %,d of another"
              + " dimension skipped), %,d rows, model %s; %,d changes applied after the swap; %.1f s",
          result.alias(),
          result.previous().orElse("(none)"),
          result.collection(),
          changes,
          rounds,
          tombstones,
          skippedOtherModel,
          skippedOtherDimension,
          result.rows(),
          model == null ? "(none)" : model,
          tailAfterSwap,
          seconds);
    }
  }

  public static Summary run(Options o, Consumer<String> log) {
    long start = System.nanoTime();
    checkAliasIsNotACollection(o.aliasSettings());
    ModelPolicy policy = new ModelPolicy(o.model(), o.aliasSettings().dimension(), o.onMismatch());
    try (EmbeddingsTopicReplay replay =
        EmbeddingsTopicReplay.open(
            o.bootstrap(), o.topic(), o.consumerProperties(), policy, o.stallTimeout(), log)) {
      Reindexer.Result result =
          Reindexer.rebuild(
              o.aliasSettings(),
              o.collection(),
              replay.untilCaughtUp(o.maxTailLag(), o.maxRounds()),
              o.batch());
      long changes = replay.changes();
      long tombstones = replay.tombstones();
      int rounds = replay.rounds();
      log.accept(
          String.format(
              Locale.ROOT,
              "alias %s now points at %s (was %s): %,d rows",
              result.alias(),
              result.collection(),
              result.previous().orElse("nothing"),
              result.rows()));
      long tail = 0;
      if (o.tailAfterSwap()) {
        try (VectorStore target =
            VectorStores.open(o.aliasSettings().withCollection(o.collection()))) {
          tail = replay.applyTail(target, o.batch());
        }
      }
      return new Summary(
          result,
          policy.model(),
          changes,
          tombstones,
          policy.skippedOtherModel(),
          policy.skippedOtherDimension(),
          rounds,
          tail,
          (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Fails before any work when the alias name is a plain collection (a store created before
   * aliases, e.g. the local stack's {@code images}): an alias cannot take a collection's name, so
   * the swap would fail after the whole replay.
   */
  static void checkAliasIsNotACollection(StoreSettings alias) {
    String name = alias.collection();
    try (CollectionAliases aliases = CollectionAliases.open(alias)) {
      if (aliases.target(name).isPresent()) {
        return;
      }
    }
    boolean collection;
    if (alias.kind() == StoreSettings.Kind.EMBEDDED) {
      collection = Files.isDirectory(Path.of(alias.path()).resolve(name));
    } else {
      try (VectorStore store = VectorStores.open(alias)) {
        store.count();
        collection = true;
      } catch (RuntimeException noSuchCollection) {
        collection = false;
      }
    }
    if (collection) {
      throw new IllegalArgumentException(
          name
              + " is a collection, not an alias, so it cannot be re-pointed; re-index behind a new alias (e.g. "
              + name
              + "_live), point the readers and the indexer at it, and drop "
              + name
              + " once nothing reads it");
    }
  }
}
