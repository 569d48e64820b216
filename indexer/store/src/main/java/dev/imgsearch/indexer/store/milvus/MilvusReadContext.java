package dev.imgsearch.indexer.store.milvus;

import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import java.util.function.BooleanSupplier;

/**
 * What the read paths ({@link MilvusReads}, {@link MilvusVectorSearch}, {@link
 * MilvusNearDuplicates}) share.
 *
 * @param consistency the configured read consistency
 * @param scenes whether the collection they read has the scene fields ({@link
 *     MilvusSchemas#SCENE_FIELDS}: read with hits and rows when it has), as {@link
 *     MilvusCollections#ensure()} found
 */
record MilvusReadContext(
    MilvusClientV2 client,
    CollectionSpec spec,
    ConsistencyLevel consistency,
    BooleanSupplier scenes) {}
