package dev.imgsearch.query;

import dev.imgsearch.embedder.image.ImageRejectedException;
import dev.imgsearch.indexer.store.DetectedItem;
import dev.imgsearch.indexer.store.DetectedItem.Kind;
import dev.imgsearch.indexer.store.ItemFilter;
import dev.imgsearch.indexer.store.ItemHit;
import dev.imgsearch.indexer.store.SearchFilter;
import dev.imgsearch.indexer.store.StoredItem;
import dev.imgsearch.indexer.store.VectorRecord;
import dev.imgsearch.query.watch.AlertFeed;
import dev.imgsearch.query.watch.WatchJson;
import dev.imgsearch.query.watch.WatchPreview;
import dev.imgsearch.query.watch.WatchQuery;
import dev.imgsearch.query.watch.WatchRequest;
import dev.imgsearch.query.watch.WatchRequests;
import dev.imgsearch.query.watch.Watches;
import dev.imgsearch.query.watch.WatchesUnavailableException;
import dev.imgsearch.query.watch.WebhookSettings;
import dev.imgsearch.schemas.avro.Watch;
import dev.imgsearch.schemas.watch.CompiledWatch;
import dev.imgsearch.schemas.watch.InvalidWatchException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /v1/watches}: standing queries written to the watches topic and read from its materialised
 * view. Without Kafka ({@code watches} null) every route answers 503 {@value
 * WatchesUnavailableException#DISABLED}.
 */
final class WatchEndpoints {
  private final ApiParts api;
  private final QueryService service;
  private final Watches watches;

  WatchEndpoints(ApiParts api, Watches watches) {
    this.api = api;
    this.service = api.service();
    this.watches = watches;
  }

  /** The watches, once their view has caught up with the topic. */
  Watches watches() {
    if (watches == null) {
      throw new WatchesUnavailableException(
          WatchesUnavailableException.DISABLED,
          "watches are off: this API has no Kafka (set kafka.bootstrap-servers, topic.watches and topic.alerts)",
          null);
    }
    if (!watches.view().ready()) {
      throw new WatchesUnavailableException(
          WatchesUnavailableException.NOT_READY,
          "the watches view is still reading its topic; retry shortly",
          null);
    }
    return watches;
  }

  /** {@code POST /v1/watches}: JSON body, or an image body with the fields as query parameters. */
  void create(Context ctx) throws ImageRejectedException {
    Watches w = watches();
    WatchRequest r;
    WatchQuery query;
    if (RequestBodies.isJson(ctx.contentType())) {
      r = read(api.json(ctx));
      query = query(r);
      if (r.objectId() != null && r.target() == null) {
        r = r.withTarget(targetOf(r.objectId()));
      }
      if (query == null) {
        throw new InvalidWatchException(
            "a watch needs a query: 'vector', 'imageId', 'objectId', 'phash' or an uploaded image");
      }
    } else {
      r = fromQueryParams(ctx.queryParamMap());
      byte[] image = api.image(ctx);
      query = service.probe(image, api.decodes());
    }
    if (r.id() != null && w.view().get(r.id()).isPresent()) {
      throw new InvalidWatchException(
          "watch '" + r.id() + "' exists; change it with PUT /v1/watches/" + r.id());
    }
    Watch watch =
        WatchRequests.create(
            r, query, UUID.randomUUID().toString(), System.currentTimeMillis(), w.webhooks());
    w.put(watch);
    ctx.status(201).header("Location", "/v1/watches/" + watch.getId()).json(WatchJson.of(watch));
  }

  /** Most stored images {@code POST /v1/watches/preview} examines. */
  static final int MAX_PREVIEW = 1000;

  /** Stored images {@code POST /v1/watches/preview} examines by default. */
  static final int DEFAULT_PREVIEW = 100;

  /**
   * {@code POST /v1/watches/preview?limit=N}: a watch definition (JSON, as for {@code POST
   * /v1/watches}) run against what is stored: of the {@code limit} nearest stored images (frame and
   * near-duplicate watches) or objects / faces (object and face watches, of the watch's classes) in
   * the watch's sources, what it would match and the score histogram ({@link WatchPreview}).
   * Nothing is written; no Kafka needed.
   */
  void preview(Context ctx) {
    WatchRequest r = read(api.json(ctx));
    WatchQuery query = query(r);
    if (query == null) {
      throw new InvalidWatchException(
          "a preview needs a query: 'vector', 'imageId', 'objectId' or 'phash'");
    }
    if (r.objectId() != null && r.target() == null) {
      r = r.withTarget(targetOf(r.objectId()));
    }
    int limit = bounded("limit", ctx.queryParam("limit"), DEFAULT_PREVIEW, MAX_PREVIEW);
    Watch watch =
        WatchRequests.create(
            r,
            query,
            "preview",
            System.currentTimeMillis(),
            watches == null ? WebhookSettings.OFF : watches.webhooks());
    CompiledWatch w = CompiledWatch.of(watch);
    SearchFilter sources = new SearchFilter(w.sources(), null, null, null);
    SearchParams params = new SearchParams(limit, sources, null);
    ctx.json(
        switch (w.target()) {
          case FRAMES -> {
            if (!w.model().equals(service.modelId())) {
              throw new InvalidWatchException(
                  "preview compares with the stored frames of model "
                      + service.modelId()
                      + ", not "
                      + w.model());
            }
            yield WatchPreview.of(w, service.searchByVector(w.vector(), params).hits());
          }
          case NEAR_DUPLICATES ->
              WatchPreview.of(
                  w,
                  service.nearDuplicates(w.phash(), params, QueryService.MAX_MAX_DISTANCE).hits());
          case OBJECTS, FACES -> WatchPreview.ofItems(w, nearestItems(w, limit, sources));
        });
  }

  /** The {@code limit} stored objects or faces nearest to an item watch's vector. */
  private List<ItemHit> nearestItems(CompiledWatch w, int limit, SearchFilter sources) {
    ObjectQueries items = service.objects();
    if (!items.supported()) {
      throw new InvalidWatchException("this store keeps no detected objects or faces to preview");
    }
    Kind kind = WatchPreview.kind(w.target());
    int dimension = items.dimension(kind);
    if (w.vector().length != dimension) {
      throw new InvalidWatchException(
          "preview compares with the stored "
              + (kind == Kind.FACE ? "faces" : "objects")
              + " of "
              + dimension
              + " dimensions, not "
              + w.vector().length);
    }
    return items.nearest(kind, w.vector(), limit, new ItemFilter(sources, w.classes()));
  }

  /** The target of a watch made from the stored object or face {@code objectId}. */
  private static String targetOf(String objectId) {
    return DetectedItem.parseId(objectId).kind() == Kind.FACE ? "FACES" : "OBJECTS";
  }

  /** {@code GET /v1/watches}. */
  void list(Context ctx) {
    Watches w = watches();
    List<WatchJson.WatchBody> all =
        w.view().list().stream().map(x -> WatchJson.of(x, w.alerts().stats(x.getId()))).toList();
    ctx.json(new WatchJson.WatchList(all, all.size()));
  }

  /** {@code GET /v1/watches/{id}}. */
  void get(Context ctx) {
    Watch watch = existing(ctx.pathParam("id"));
    ctx.json(WatchJson.of(watch, watches().alerts().stats(watch.getId())));
  }

  /** {@code PUT /v1/watches/{id}}: JSON body; absent fields keep their values. */
  void update(Context ctx) {
    Watches w = watches();
    Watch current = existing(ctx.pathParam("id"));
    WatchRequest r = read(api.json(ctx));
    Watch updated =
        WatchRequests.update(current, r, query(r), System.currentTimeMillis(), w.webhooks());
    w.put(updated);
    ctx.json(WatchJson.of(updated));
  }

  /** {@code DELETE /v1/watches/{id}}: a tombstone on the topic. */
  void delete(Context ctx) {
    String id = existing(ctx.pathParam("id")).getId();
    watches().delete(id);
    ctx.status(204);
  }

  /**
   * {@code GET /v1/watches/{id}/alerts?limit=N&before=CURSOR&since=T&until=T}: a page of the
   * watch's alert history, newest first (see {@link AlertFeed#page}), with the cursor of the next
   * page; 503 {@value WatchesUnavailableException#ALERTS_NOT_READY} while the history is being
   * rebuilt from the alerts topic.
   */
  void alerts(Context ctx) {
    String id = existing(ctx.pathParam("id")).getId();
    AlertHistoryParams p = AlertHistoryParams.of(ctx::queryParam);
    AlertFeed feed = watches().alerts();
    if (!feed.caughtUp()) {
      throw new WatchesUnavailableException(
          WatchesUnavailableException.ALERTS_NOT_READY,
          "the alert history is still being read from the alerts topic; retry shortly",
          null);
    }
    AlertFeed.AlertPage page = feed.page(id, p.before(), p.since(), p.until(), p.limit());
    ctx.json(
        new WatchJson.AlertList(
            id,
            page.alerts().stream().map(WatchJson::of).toList(),
            page.next() == null ? null : page.next().encode()));
  }

  private Watch existing(String id) {
    return watches().view().get(id).orElseThrow(() -> NotFoundException.watch(id));
  }

  /** Query parameter {@code name}: {@code def} when absent, else an integer 1..{@code max}. */
  static int bounded(String name, String s, int def, int max) {
    if (s == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(s.trim());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InvalidQueryException(
        InvalidQueryException.INVALID_PARAMETER, name + " must be 1.." + max + ", got '" + s + "'");
  }

  /** The query a request names (vector, stored image or pHash), or null if it names none. */
  private WatchQuery query(WatchRequest r) {
    int named =
        (r.vector() != null ? 1 : 0)
            + (r.imageId() != null ? 1 : 0)
            + (r.phash() != null ? 1 : 0)
            + (r.objectId() != null ? 1 : 0);
    if (named > 1) {
      throw new InvalidWatchException(
          "give one of 'vector', 'imageId', 'objectId' and 'phash', not several");
    }
    if (r.objectId() != null) {
      StoredItem stored = service.objects().item(r.objectId());
      return new WatchQuery(stored.item().model(), stored.item().vector(), null);
    }
    if (r.imageId() != null) {
      VectorRecord stored = service.stored(r.imageId());
      return new WatchQuery(
          stored.model() == null ? service.modelId() : stored.model(),
          stored.vector(),
          stored.phash());
    }
    if (r.vector() != null) {
      String model = r.model() == null ? service.modelId() : r.model();
      if (model.equals(service.modelId()) && r.vector().size() != service.dimension()) {
        throw new InvalidWatchException(
            "vector has "
                + r.vector().size()
                + " dimensions, the model "
                + model
                + " has "
                + service.dimension());
      }
      float[] v = new float[r.vector().size()];
      for (int i = 0; i < v.length; i++) {
        if (r.vector().get(i) == null) {
          throw new InvalidWatchException("vector component " + i + " is null");
        }
        v[i] = r.vector().get(i);
      }
      return new WatchQuery(model, v, null);
    }
    if (r.model() != null) {
      throw new InvalidWatchException("field 'model' belongs with 'vector'");
    }
    return r.phash() == null ? null : new WatchQuery(null, null, WatchRequests.phash(r.phash()));
  }

  private WatchRequest read(byte[] body) {
    WatchRequest r = RequestBodies.readJson(api.mapper(), body, WatchRequest.class);
    if (r == null) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_JSON, "the body must be a JSON object");
    }
    return r;
  }

  /** The fields of an image upload, from its query string. */
  static WatchRequest fromQueryParams(Map<String, List<String>> q) {
    for (String name : q.keySet()) {
      if (!List.of(
              "id",
              "name",
              "target",
              "threshold",
              "source",
              "class",
              "cooldown",
              "enabled",
              "webhook")
          .contains(name)) {
        throw new InvalidQueryException(
            InvalidQueryException.INVALID_PARAMETER, "unknown query parameter '" + name + "'");
      }
    }
    Double threshold = null;
    String t = one(q, "threshold");
    if (t != null) {
      try {
        threshold = Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw new InvalidWatchException("threshold must be a number, got '" + t + "'");
      }
    }
    String enabled = one(q, "enabled");
    if (enabled != null && !enabled.equals("true") && !enabled.equals("false")) {
      throw new InvalidWatchException("enabled must be true or false, got '" + enabled + "'");
    }
    return new WatchRequest(
        one(q, "id"),
        one(q, "name"),
        one(q, "target"),
        threshold,
        null,
        null,
        null,
        null,
        q.get("source"),
        q.get("class"),
        null,
        null,
        one(q, "cooldown"),
        enabled == null ? null : Boolean.valueOf(enabled),
        null,
        one(q, "webhook"));
  }

  private static String one(Map<String, List<String>> q, String name) {
    List<String> v = q.get(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    if (v.size() > 1) {
      throw new InvalidQueryException(
          InvalidQueryException.INVALID_PARAMETER, "parameter '" + name + "' given twice");
    }
    return v.get(0);
  }
}
