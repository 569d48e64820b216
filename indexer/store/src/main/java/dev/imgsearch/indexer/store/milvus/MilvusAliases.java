package dev.imgsearch.indexer.store.milvus;

import dev.imgsearch.indexer.store.CollectionAliases;
import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Milvus collection aliases. Every data call (search, query, upsert, delete) accepts an alias in
 * place of a collection name, and {@code alterAlias} switches it atomically on the server, so
 * readers go from the old collection to the new one between two requests.
 */
public final class MilvusAliases implements CollectionAliases {
  private final MilvusClientV2 client;

  public MilvusAliases(MilvusConfig config) {
    ConnectConfig.ConnectConfigBuilder connect =
        ConnectConfig.builder().uri(config.uri()).dbName(config.database());
    if (!config.token().isEmpty()) {
      connect.token(config.token());
    }
    this.client = new MilvusClientV2(connect.build());
  }

  @Override
  public Optional<String> target(String alias) {
    try {
      return Optional.ofNullable(
              client
                  .describeAlias(DescribeAliasReq.builder().alias(alias).build())
                  .getCollectionName())
          .filter(name -> !name.isEmpty() && !name.equals(alias));
    } catch (RuntimeException notAnAlias) {
      return Optional.empty();
    }
  }

  /**
   * Creates the alias, or moves it when it exists (Milvus answers "alias already exist" to the
   * create). When the collection has companions — the perceptual-hash companion ({@code
   * <collection>_phash}) and the detected objects and faces collections ({@code
   * <collection>_objects}, {@code <collection>_faces}) — the alias {@code <alias>_phash} (and
   * {@code _objects}, {@code _faces}) is moved to each right after: their readers follow the switch
   * a request or two later than vector readers. Everything that can be checked is checked before
   * the first alias moves: a companion alias name taken by a plain collection (a store created
   * before aliases) fails here with nothing moved, instead of leaving the main alias on the new
   * collection and a companion's on the old one.
   */
  @Override
  public void repoint(String alias, String collection) {
    List<String> companions = new ArrayList<>();
    for (String suffix : COMPANION_SUFFIXES) {
      String companion = collection + suffix;
      String companionAlias = alias + suffix;
      if (!hasCollection(companion)) {
        continue;
      }
      if (target(companionAlias).isEmpty() && hasCollection(companionAlias)) {
        throw new IllegalStateException(
            companionAlias
                + " is a collection, not an alias, so it cannot be pointed at "
                + companion
                + "; no alias was moved (rename "
                + companionAlias
                + " and alias it, or re-index behind a new alias)");
      }
      companions.add(suffix);
    }
    repointOne(alias, collection);
    for (String suffix : companions) {
      repointOne(alias + suffix, collection + suffix);
    }
  }

  /**
   * The suffixes of the collections that follow the main one: perceptual hashes, objects, faces.
   */
  static final List<String> COMPANION_SUFFIXES =
      List.of(
          CollectionSpec.PHASH_COLLECTION_SUFFIX,
          CollectionSpec.OBJECTS_COLLECTION_SUFFIX,
          CollectionSpec.FACES_COLLECTION_SUFFIX);

  private boolean hasCollection(String name) {
    try {
      return client.hasCollection(HasCollectionReq.builder().collectionName(name).build());
    } catch (RuntimeException e) {
      throw new MilvusStoreException("hasCollection", name, e);
    }
  }

  private void repointOne(String alias, String collection) {
    try {
      client.createAlias(CreateAliasReq.builder().alias(alias).collectionName(collection).build());
    } catch (RuntimeException exists) {
      if (!String.valueOf(exists.getMessage()).contains("alias already exist")) {
        throw new MilvusStoreException("createAlias", collection, exists);
      }
      try {
        client.alterAlias(AlterAliasReq.builder().alias(alias).collectionName(collection).build());
      } catch (RuntimeException e) {
        throw new MilvusStoreException("alterAlias", collection, e);
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
