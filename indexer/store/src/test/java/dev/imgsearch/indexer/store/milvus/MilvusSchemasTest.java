package dev.imgsearch.indexer.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.indexer.store.CollectionSpec;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The layout check of existing collections, on schema objects (no server). */
class MilvusSchemasTest {
  private static final CollectionSpec SPEC = CollectionSpec.of("images", 8);

  @Test
  void theLayoutsThisStoreCreatesPassItsCheck() {
    assertThatCode(
            () ->
                MilvusSchemas.check(
                    "images", SPEC, MilvusSchemas.main(SPEC), described(MilvusSchemas.main(SPEC))))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                MilvusSchemas.check(
                    SPEC.phashCollectionName(),
                    SPEC,
                    MilvusSchemas.phash(),
                    described(MilvusSchemas.phash())))
        .doesNotThrowAnyException();
  }

  @Test
  void theMainLayoutHasTheVectorOfTheSpecAndSourceAsPartitionKey() {
    var schema = MilvusSchemas.main(SPEC);
    assertThat(schema.getField(CollectionSpec.FIELD_VECTOR).getDimension()).isEqualTo(8);
    assertThat(schema.getField(CollectionSpec.FIELD_SOURCE).getIsPartitionKey()).isTrue();
    assertThat(schema.getField(CollectionSpec.FIELD_ID).getIsPrimaryKey()).isTrue();
    assertThat(schema.getField(CollectionSpec.FIELD_HAS_PHASH).getDataType())
        .isEqualTo(DataType.Bool);
    var phash = MilvusSchemas.phash().getField(CollectionSpec.FIELD_PHASH);
    assertThat(phash.getDataType()).isEqualTo(DataType.BinaryVector);
    assertThat(phash.getDimension()).isEqualTo(CollectionSpec.PHASH_BITS);
  }

  @Test
  void anotherVectorDimensionIsNamedWithBothDimensions() {
    var existing = MilvusSchemas.main(CollectionSpec.of("images", 16));
    assertThatThrownBy(
            () ->
                MilvusSchemas.check("images", SPEC, MilvusSchemas.main(SPEC), described(existing)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'images' has vector dimension 16")
        .hasMessageContaining("expects dimension 8");
  }

  @Test
  void everyMismatchIsNamedInOneMessage() {
    // the old layout: no phash fields, source a plain VARCHAR, tags of another element type
    var existing = without(MilvusSchemas.main(SPEC), f -> f.getName().contains("phash"));
    existing.getField(CollectionSpec.FIELD_SOURCE).setIsPartitionKey(false);
    existing.getField(CollectionSpec.FIELD_TAGS).setElementType(DataType.Int64);
    assertThatThrownBy(
            () ->
                MilvusSchemas.check("images", SPEC, MilvusSchemas.main(SPEC), described(existing)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'images' does not match")
        .hasMessageContaining("source is not the partition key")
        .hasMessageContaining("tags is Array")
        .hasMessageContaining("phash missing")
        .hasMessageContaining("has_phash missing")
        .hasMessageContaining("re-index");
  }

  @Test
  void aCompanionWithAnotherHashDimensionOrPrimaryKeyIsReported() {
    var existing = without(MilvusSchemas.phash(), f -> false);
    existing.getField(CollectionSpec.FIELD_PHASH).setDimension(128);
    existing.getField(CollectionSpec.FIELD_BUCKET).setIsPartitionKey(true);
    DescribeCollectionResp description =
        DescribeCollectionResp.builder()
            .collectionSchema(existing)
            .primaryFieldName("key")
            .autoID(true)
            .build();
    assertThatThrownBy(
            () -> MilvusSchemas.check("images_phash", SPEC, MilvusSchemas.phash(), description))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'images_phash'")
        .hasMessageContaining("phash has dimension 128 instead of 64")
        .hasMessageContaining("bucket is a partition key")
        .hasMessageContaining("primary key must be id without autoID");
  }

  @Test
  void newLayoutsHaveTheSceneFieldsInBothCollections() {
    for (var schema : java.util.List.of(MilvusSchemas.main(SPEC), MilvusSchemas.phash())) {
      var of = schema.getField(CollectionSpec.FIELD_SCENE_OF);
      assertThat(of.getDataType()).isEqualTo(DataType.VarChar);
      assertThat(of.getMaxLength()).isEqualTo(CollectionSpec.MAX_ID_LENGTH);
      assertThat(schema.getField(CollectionSpec.FIELD_SCENE_START).getDataType())
          .isEqualTo(DataType.Int64);
    }
    assertThat(
            MilvusSchemas.check(
                "images", SPEC, MilvusSchemas.main(SPEC), described(MilvusSchemas.main(SPEC))))
        .as("keeps scenes")
        .isTrue();
  }

  @Test
  void collectionsCreatedBeforeTheSceneFieldsPassWithoutThem() {
    var main = withoutScenes(MilvusSchemas.main(SPEC));
    assertThat(MilvusSchemas.check("images", SPEC, MilvusSchemas.main(SPEC), described(main)))
        .isFalse();
    var companion = withoutScenes(MilvusSchemas.phash());
    assertThat(
            MilvusSchemas.check(
                SPEC.phashCollectionName(), SPEC, MilvusSchemas.phash(), described(companion)))
        .isFalse();
  }

  @Test
  void onlyOneSceneFieldOrOneOfAnotherTypeIsReported() {
    var half =
        without(
            MilvusSchemas.main(SPEC), f -> f.getName().equals(CollectionSpec.FIELD_SCENE_START));
    assertThatThrownBy(
            () -> MilvusSchemas.check("images", SPEC, MilvusSchemas.main(SPEC), described(half)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scene_start missing");
    var typed =
        without(MilvusSchemas.main(SPEC), f -> f.getName().equals(CollectionSpec.FIELD_SCENE_OF));
    typed.addField(
        AddFieldReq.builder()
            .fieldName(CollectionSpec.FIELD_SCENE_OF)
            .dataType(DataType.Int64)
            .build());
    assertThatThrownBy(
            () -> MilvusSchemas.check("images", SPEC, MilvusSchemas.main(SPEC), described(typed)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scene_of is Int64 instead of VarChar");
  }

  @Test
  void theSceneWarningNamesTheCollectionsWithoutTheFieldsAndTheReindex() {
    assertThat(MilvusSchemas.sceneWarning(SPEC, true, true)).isEmpty();
    assertThat(MilvusSchemas.sceneWarning(SPEC, false, false))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .startsWith("Milvus collections 'images' and 'images_phash' predate the")
                    .contains("scene references of gated frames are not kept")
                    .contains("(hits carry no scene)")
                    .contains("re-index into a new collection"));
    assertThat(MilvusSchemas.sceneWarning(SPEC, true, false))
        .hasValueSatisfying(
            w ->
                assertThat(w)
                    .startsWith("Milvus collection 'images_phash' predates the")
                    .doesNotContain("'images' ")
                    .contains("near-duplicate hits carry no scene"));
  }

  @Test
  void aScalarOfAnotherTypeIsReported() {
    var existing =
        without(
            MilvusSchemas.main(SPEC), f -> f.getName().equals(CollectionSpec.FIELD_CAPTURED_AT));
    existing.addField(
        AddFieldReq.builder()
            .fieldName(CollectionSpec.FIELD_CAPTURED_AT)
            .dataType(DataType.VarChar)
            .maxLength(32)
            .build());
    assertThatThrownBy(
            () ->
                MilvusSchemas.check("images", SPEC, MilvusSchemas.main(SPEC), described(existing)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("captured_at is VarChar instead of Int64");
  }

  /** {@code schema} as created before the scene fields. */
  static CreateCollectionReq.CollectionSchema withoutScenes(
      CreateCollectionReq.CollectionSchema schema) {
    return without(schema, f -> MilvusSchemas.SCENE_FIELDS.contains(f.getName()));
  }

  private static DescribeCollectionResp described(CreateCollectionReq.CollectionSchema schema) {
    return DescribeCollectionResp.builder()
        .collectionSchema(schema)
        .primaryFieldName("id")
        .autoID(false)
        .build();
  }

  /**
   * A copy of {@code schema} without the fields {@code drop} selects (fields are fresh objects,
   * safe to change).
   */
  private static CreateCollectionReq.CollectionSchema without(
      CreateCollectionReq.CollectionSchema schema,
      Predicate<CreateCollectionReq.FieldSchema> drop) {
    var copy = MilvusClientV2.CreateSchema();
    schema.getFieldSchemaList().stream()
        .filter(drop.negate())
        .forEach(copy.getFieldSchemaList()::add);
    return copy;
  }
}
