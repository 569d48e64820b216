package dev.imgsearch.indexer.store;

import java.util.Objects;

/**
 * The collection contract shared by the indexer and the query API: field names, dimension, metric and index
 * parameters are defined here once.
 */
public record CollectionSpec(String name, int dimension, int hnswM, int hnswEfConstruction, int searchEf) {
  public static final String FIELD_ID = "id";
  public static final String FIELD_VECTOR = "vector";
  public static final String FIELD_BUCKET = "bucket";
  public static final String FIELD_KEY = "key";
  public static final String FIELD_SOURCE = "source";
  public static final String FIELD_CAPTURED_AT = "captured_at";
  public static final String FIELD_TAGS = "tags";
  public static final String FIELD_MODEL = "model";

  /** Max length of the VARCHAR fields. */
  public static final int MAX_ID_LENGTH = 64;
  public static final int MAX_TEXT_LENGTH = 1024;
  public static final int MAX_TAGS = 32;

  public CollectionSpec {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,254}")) {
      throw new IllegalArgumentException("collection name must match [A-Za-z_][A-Za-z0-9_]*: " + name);
    }
    if (dimension <= 0 || dimension > 32768) {
      throw new IllegalArgumentException("dimension out of range: " + dimension);
    }
    if (hnswM < 2 || hnswEfConstruction < 1 || searchEf < 1) {
      throw new IllegalArgumentException("HNSW parameters must be positive");
    }
  }

  public static CollectionSpec of(String name, int dimension) {
    return new CollectionSpec(name, dimension, 16, 200, 128);
  }
}
