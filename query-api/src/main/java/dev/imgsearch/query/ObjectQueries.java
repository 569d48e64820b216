package dev.imgsearch.query;

import dev.imgsearch.embedder.ImageEmbedder;
import dev.imgsearch.embedder.image.DecodeLimits;
import dev.imgsearch.embedder.image.ImageDecoder;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.embedder.model.OnnxImageEmbedder;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorStore;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * Object and face queries, independent of HTTP: by vector, by an uploaded image or a box of it, by
 * a stored object or face ({@code objectId}), the images containing a class (no vector: a metadata
 * query, newest first) and the items of one image. Every store call is bounded by {@link
 * StoreCalls}. Hits may be grouped one per image or one per source ({@link #grouped}, pure).
 */
final class ObjectQueries {
  private final VectorStore store;
  private final StoreCalls calls;
  private final ImageEmbedder embedder;
  private final ImageDecoder decoder;
  private final FaceReader faces;

  /** The faces of an uploaded photo ({@link FaceChoice}), each with its nearest stored faces. */
  record FaceHits(FaceReader.QueryFace face, List<ItemHit> hits) {}

  ObjectQueries(VectorStore store, StoreCalls calls, ImageEmbedder embedder, FaceReader faces) {
    this.store = store;
    this.calls = calls;
    this.embedder = embedder;
    this.faces = faces;
    this.decoder =
        embedder instanceof OnnxImageEmbedder onnx
            ? onnx.decoder()
            : new ImageDecoder(DecodeLimits.DEFAULT);
  }

  /**
   * The nearest objects to an uploaded image, or to its {@code box} region (null: the whole
   * upload), embedded with the image model the objects' vectors come from (the region is decoded,
   * cut out and re-encoded losslessly); the decode and the model run under a permit of {@code
   * decodes} (none when null).
   */
  List<ItemHit> byImage(byte[] encodedImage, float[] box, ObjectParams params, PermitPool decodes)
      throws ImageRejectedException {
    float[] vector;
    try (PermitPool.Permit permit = decodes == null ? null : decodes.acquire()) {
      vector = embedder.embed(box == null ? encodedImage : crop(encodedImage, box));
    }
    return search(
        Kind.OBJECT, VectorMath.normalised(vector, store.spec().dimension()), params, null);
  }

  /**
   * "Find this person": every face of the uploaded photo (or, with {@code box}, the face
   * overlapping it most) is a query; each comes with its nearest stored faces. The decode and the
   * face models run under a permit of {@code decodes} (none when null).
   *
   * @throws InvalidQueryException if the upload (or the box) holds no face
   */
  List<FaceHits> byFacePhoto(
      byte[] encodedImage, float[] box, ObjectParams params, PermitPool decodes)
      throws ImageRejectedException {
    List<FaceReader.QueryFace> found;
    try (PermitPool.Permit permit = decodes == null ? null : decodes.acquire()) {
      found = faces.read(decoder.decode(encodedImage));
    }
    return FaceChoice.chosen(found, box).stream()
        .map(f -> new FaceHits(f, byVector(Kind.FACE, f.descriptor(), params)))
        .toList();
  }

  private byte[] crop(byte[] encodedImage, float[] box) throws ImageRejectedException {
    BufferedImage image = decoder.decode(encodedImage);
    Rectangle r = CropBox.pixels(box, image.getWidth(), image.getHeight());
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(image.getSubimage(r.x, r.y, r.width, r.height), "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the crop: " + e.getMessage(), e);
    }
    return png.toByteArray();
  }

  /**
   * The nearest items of {@code kind} to {@code vector} (L2-normalised first).
   *
   * @throws InvalidQueryException for a vector of the wrong dimension, zero or not finite
   */
  List<ItemHit> byVector(Kind kind, float[] vector, ObjectParams params) {
    return search(kind, VectorMath.normalised(vector, dimension(kind)), params, null);
  }

  /** The dimension of the vectors of {@code kind}. */
  int dimension(Kind kind) {
    return kind == Kind.OBJECT
        ? store.spec().dimension()
        : calls.call(() -> store.items().faceDimension());
  }

  /**
   * The {@code k} stored items of {@code kind} nearest to the unit vector {@code query} (of the
   * kind's {@link #dimension}) that pass {@code filter}, best first; no paging, grouping or minimum
   * score (a watch preview).
   */
  List<ItemHit> nearest(Kind kind, float[] query, int k, ItemFilter filter) {
    return calls.call(() -> store.items().searchItems(kind, query, k, filter));
  }

  /**
   * The nearest items to the stored object or face {@code itemId}, of its kind, itself excluded.
   *
   * @throws InvalidQueryException if {@code itemId} is not an object or face id
   * @throws NotFoundException if no item has this id
   */
  List<ItemHit> similarTo(String itemId, ObjectParams params) {
    StoredItem item = item(itemId);
    return search(item.item().kind(), item.item().vector(), params, itemId);
  }

  /**
   * The stored object or face {@code itemId}.
   *
   * @throws InvalidQueryException if {@code itemId} is not an object or face id
   * @throws NotFoundException if no item has this id
   */
  StoredItem item(String itemId) {
    try {
      DetectedItem.parseId(itemId);
    } catch (IllegalArgumentException e) {
      throw new InvalidQueryException(InvalidQueryException.INVALID_PARAMETER, e.getMessage());
    }
    return calls
        .call(() -> store.items().getItem(itemId))
        .orElseThrow(() -> NotFoundException.item(itemId));
  }

  private List<ItemHit> search(Kind kind, float[] query, ObjectParams params, String exclude) {
    SearchParams p = params.search();
    int wanted = p.offset() + p.k() + (exclude == null ? 0 : 1);
    int fetch =
        params.group() == ObjectParams.Grouping.NONE
            ? wanted
            : Math.min(SearchParams.MAX_WINDOW, wanted * 8);
    ItemFilter filter = new ItemFilter(p.filter(), params.classes());
    List<ItemHit> hits = calls.call(() -> store.items().searchItems(kind, query, fetch, filter));
    List<ItemHit> kept = new ArrayList<>();
    for (ItemHit h : hits) {
      if (!h.stored().id().equals(exclude) && p.accepts(h.similarity())) {
        kept.add(h);
      }
    }
    return page(grouped(kept, params.group()), p);
  }

  /**
   * The images containing one of the classes and passing the filters, newest first, one hit per
   * image (its best matching item), paged by {@code offset} and {@code k}.
   *
   * @throws InvalidQueryException if no class is given
   */
  List<ItemHit> imagesWithClass(ObjectParams params) {
    if (params.classes().isEmpty()) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "class (or q naming a class) is required");
    }
    SearchParams p = params.search();
    return calls.call(
        () -> store.items().imagesWithClass(params.classes(), p.filter(), p.offset(), p.k()));
  }

  /** Whether the store keeps detected objects and faces. */
  boolean supported() {
    try {
      store.items();
      return true;
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  /** The objects and faces of the image {@code imageId} (none when it has none or is unknown). */
  List<StoredItem> itemsOf(String imageId) {
    return calls.call(() -> store.items().itemsOf(imageId));
  }

  /**
   * {@code hits} (best first) with only the first hit of each image or source; all of them for
   * NONE. Pure.
   */
  static List<ItemHit> grouped(List<ItemHit> hits, ObjectParams.Grouping group) {
    Function<ItemHit, String> key =
        switch (group) {
          case NONE -> null;
          case IMAGE -> h -> h.stored().parentId();
          case SOURCE -> h -> h.stored().source();
        };
    if (key == null) {
      return hits;
    }
    Set<String> seen = new HashSet<>();
    return hits.stream().filter(h -> seen.add(key.apply(h))).toList();
  }

  private static List<ItemHit> page(List<ItemHit> hits, SearchParams p) {
    int from = Math.min(p.offset(), hits.size());
    return List.copyOf(hits.subList(from, Math.min(hits.size(), from + p.k())));
  }
}
