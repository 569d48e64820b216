package dev.imgsearch.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imgsearch.embedder.detect.Box;
import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.StoredItem;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The object and face routes: search by vector, by a stored object or face, images containing a
 * class (no vector), and an image's objects and faces. Small handlers over {@link ObjectQueries};
 * errors go to {@link ApiErrors}.
 */
final class ObjectEndpoints {
  /** One object or face of a response. */
  record Item(
      String id,
      String kind,
      String label,
      int classId,
      float detectorScore,
      float[] box,
      String imageId,
      String source,
      String capturedAt,
      String url) {}

  /** One hit: the item and its similarity to the query (the detector score for class listings). */
  record Hit(float score, Item item) {}

  /** Body of the searches; {@code nextOffset} is null on the last page. */
  record HitsBody(List<Hit> results, int offset, Integer nextOffset, long tookMs) {}

  /** Body of {@code GET /v1/images/{id}/objects}. */
  record ItemsBody(String imageId, List<Item> objects, List<Item> faces) {}

  /** One face of the upload of a face search, with its hits. */
  record FaceHits(float[] box, float score, List<Hit> results, Integer nextOffset) {}

  /** Body of {@code POST /v1/objects/search?kind=face}: one entry per query face, best first. */
  record FacesBody(List<FaceHits> faces, long tookMs) {}

  /** Body of {@code POST /v1/objects/search/vector}. */
  record VectorBody(float[] vector) {}

  private final ApiParts api;
  private final ObjectQueries queries;

  ObjectEndpoints(ApiParts api) {
    this.api = api;
    this.queries = api.service().objects();
  }

  /** Registers the routes on {@code app}. */
  void routes(Javalin app) {
    app.post("/v1/objects/search", this::searchByImage);
    app.post("/v1/objects/search/vector", this::searchByVector);
    app.get("/v1/objects/images", this::imagesWithClass);
    app.get("/v1/objects/{id}/similar", this::similar);
    app.get("/v1/images/{id}/objects", this::itemsOf);
  }

  /**
   * {@code POST /v1/objects/search?box=x0,y0,x1,y1&...}: image body as {@code POST /v1/search}; the
   * objects nearest to the upload or to its box.
   */
  void searchByImage(Context ctx) throws ImageRejectedException {
    long start = System.nanoTime();
    ObjectParams params = ObjectParams.fromQuery(ctx.queryParamMap());
    float[] box = CropBox.parse(ctx.queryParam(CropBox.BOX));
    Kind kind = kind(ctx.queryParam("kind"));
    byte[] image = api.image(ctx);
    if (kind == Kind.FACE) {
      List<FaceHits> faces =
          queries.byFacePhoto(image, box, params, api.decodes()).stream()
              .map(f -> faceHits(f, params))
              .toList();
      ctx.json(new FacesBody(faces, elapsedMillis(start)));
      return;
    }
    respond(ctx, start, params, queries.byImage(image, box, params, api.decodes()));
  }

  /**
   * {@code POST /v1/objects/search/vector?kind=object|face&...}: JSON body {@code {"vector":
   * [...]}}.
   */
  void searchByVector(Context ctx) {
    long start = System.nanoTime();
    ObjectParams params = ObjectParams.fromQuery(ctx.queryParamMap());
    Kind kind = kind(ctx.queryParam("kind"));
    VectorBody body = api.readJsonWith(ctx, VectorBody.class, "vector", VectorBody::vector);
    respond(ctx, start, params, queries.byVector(kind, body.vector(), params));
  }

  /** {@code GET /v1/objects/{id}/similar}: the nearest objects (or faces) to a stored one. */
  void similar(Context ctx) {
    long start = System.nanoTime();
    ObjectParams params = ObjectParams.fromQuery(ctx.queryParamMap());
    respond(ctx, start, params, queries.similarTo(ctx.pathParam("id"), params));
  }

  /**
   * {@code GET /v1/objects/images?class=person&source=cam-3&from=..&to=..}: newest images with the
   * class.
   */
  void imagesWithClass(Context ctx) {
    long start = System.nanoTime();
    ObjectParams params = ObjectParams.fromQuery(ctx.queryParamMap());
    respond(ctx, start, params, queries.imagesWithClass(params));
  }

  /** {@code GET /v1/images/{id}/objects}: the image's objects and faces. */
  void itemsOf(Context ctx) {
    String id = ctx.pathParam("id");
    ctx.json(itemsBody(id, queries.itemsOf(id), api));
  }

  /**
   * The body of {@code GET /v1/images/{id}}: {@code image} with its {@code objects} and {@code
   * faces} (as in {@code GET /v1/images/{id}/objects}); without them when the store keeps no
   * detected items.
   */
  static Object withItems(ApiParts api, ImageResponse image) {
    ObjectQueries objects = api.service().objects();
    if (!objects.supported()) {
      return image;
    }
    ItemsBody items = itemsBody(image.id(), objects.itemsOf(image.id()), api);
    ObjectMapper mapper = api.mapper();
    com.fasterxml.jackson.databind.node.ObjectNode body = mapper.valueToTree(image);
    body.set("objects", mapper.valueToTree(items.objects()));
    body.set("faces", mapper.valueToTree(items.faces()));
    return body;
  }

  /** The detected objects and faces of image {@code id}, apart. */
  private static ItemsBody itemsBody(String id, List<StoredItem> items, ApiParts api) {
    return new ItemsBody(id, ofKind(items, Kind.OBJECT, api), ofKind(items, Kind.FACE, api));
  }

  private static List<Item> ofKind(List<StoredItem> items, Kind kind, ApiParts api) {
    return items.stream().filter(s -> s.item().kind() == kind).map(s -> item(s, api)).toList();
  }

  static Kind kind(String value) {
    if (value == null || value.isBlank() || value.strip().equalsIgnoreCase("object")) {
      return Kind.OBJECT;
    }
    if (value.strip().equalsIgnoreCase("face")) {
      return Kind.FACE;
    }
    throw new InvalidQueryException(
        InvalidQueryException.INVALID_PARAMETER,
        "kind must be object or face, got " + FilterValues.describe(value));
  }

  private void respond(Context ctx, long start, ObjectParams params, List<ItemHit> hits) {
    ctx.json(
        new HitsBody(
            hits(hits), params.search().offset(), nextOffset(hits, params), elapsedMillis(start)));
  }

  private FaceHits faceHits(ObjectQueries.FaceHits f, ObjectParams params) {
    Box b = f.face().box();
    return new FaceHits(
        new float[] {b.x0(), b.y0(), b.x1(), b.y1()},
        f.face().score(),
        hits(f.hits()),
        nextOffset(f.hits(), params));
  }

  private List<Hit> hits(List<ItemHit> hits) {
    return hits.stream().map(h -> new Hit(h.similarity(), item(h.stored()))).toList();
  }

  private static Integer nextOffset(List<ItemHit> hits, ObjectParams params) {
    return hits.size() < params.search().k() ? null : params.search().offset() + hits.size();
  }

  private static long elapsedMillis(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private Item item(StoredItem s) {
    return item(s, api);
  }

  private static Item item(StoredItem s, ApiParts api) {
    return new Item(
        s.id(),
        s.item().kind().name().toLowerCase(Locale.ROOT),
        s.item().label(),
        s.item().classId(),
        s.item().score(),
        s.item().box(),
        s.parentId(),
        s.source(),
        Instant.ofEpochMilli(s.capturedAtMillis()).toString(),
        api.resultUrl(s.parentId(), s.bucket(), s.key()));
  }
}
