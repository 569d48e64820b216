package dev.imgsearch.indexer.reindex;

import dev.imgsearch.indexer.IndexAction;
import java.util.Objects;

/**
 * Which replayed embeddings belong in the new collection: those of the target model (tag {@code
 * id@version}, as the embedder writes it) and dimension. Another model's embedding of an image is
 * never indexed; it becomes a delete of that image, so an older embedding of the right model cannot
 * survive a newer change in another model (the latest change per image decides, as on the live
 * path). Not thread-safe.
 */
public final class ModelPolicy {
  /** What a record of another model (or dimension) does. */
  public enum OnMismatch {
    /** Count it and leave the image out of the new collection. */
    SKIP,
    /** Stop the re-index; the alias is not moved. */
    FAIL
  }

  private final int dimension;
  private final OnMismatch onMismatch;
  private String model;
  private long otherModel;
  private long otherDimension;

  /**
   * @param model the target model tag, or null to adopt the model of the first embedding replayed
   * @param dimension the collection's vector dimension
   */
  public ModelPolicy(String model, int dimension, OnMismatch onMismatch) {
    this.model = model == null || model.isBlank() ? null : model;
    this.dimension = dimension;
    this.onMismatch = Objects.requireNonNull(onMismatch, "onMismatch");
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be ≥ 1");
    }
  }

  /**
   * The change to index for {@code action} read at {@code where} (for messages, e.g. {@code
   * topic-0@42}).
   *
   * @throws IllegalStateException on a mismatch under {@link OnMismatch#FAIL}
   */
  public IndexAction apply(IndexAction action, String where) {
    if (action.op() == IndexAction.Op.DELETE) {
      return action;
    }
    String recordModel = action.record().model();
    if (model == null) {
      model = recordModel;
    }
    int dim = action.record().vector().length;
    if (!model.equals(recordModel) || dim != dimension) {
      boolean modelDiffers = !model.equals(recordModel);
      if (onMismatch == OnMismatch.FAIL) {
        throw new IllegalStateException(
            "embedding of "
                + action.id()
                + " at "
                + where
                + " is "
                + (modelDiffers
                    ? "from model " + recordModel + ", not the target model " + model
                    : dim + "-d, not " + dimension + "-d")
                + "; the alias was not moved (skip such records with --on-model-mismatch skip, or re-embed)");
      }
      if (modelDiffers) {
        otherModel++;
      } else {
        otherDimension++;
      }
      return IndexAction.delete(action.id());
    }
    return action;
  }

  /** The target model: as configured, or adopted from the first embedding (null before any). */
  public String model() {
    return model;
  }

  /** Embeddings left out because another model produced them. */
  public long skippedOtherModel() {
    return otherModel;
  }

  /** Embeddings of the target model left out because their dimension is not the collection's. */
  public long skippedOtherDimension() {
    return otherDimension;
  }
}
