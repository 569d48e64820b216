package dev.imgsearch.cli.camera;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imgsearch.cli.bench.ConstantVectorSearch;
import dev.imgsearch.cli.bench.FreshnessTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The camera replay's {@link FreshnessTracker.VisibilityCheck}: frames of one camera share their
 * source, so (unlike the bench's synthetic images) a source filter alone does not single them out.
 * A pending frame's token is {@code source@captureMillis}; for each source the pending frames are
 * cut into runs of capture time holding at most {@value #MAX_K} frames of the feed, and each run is
 * one {@code POST /v1/search/vector} filtered to that source and time window with {@code k =}
 * {@value #MAX_K}: it returns every frame of the window the index can already return.
 */
public final class WindowVisibilityCheck implements FreshnessTracker.VisibilityCheck {
  /** The query API's largest {@code k}. */
  static final int MAX_K = 1000;

  /** Frames of one source whose capture times lie in {@code [fromMillis, toMillis)}. */
  record Window(String source, long fromMillis, long toMillis) {}

  private final ConstantVectorSearch search;
  private final int dimension;
  private final double fps;

  public WindowVisibilityCheck(String queryApiUrl, int dimension, double fps) {
    this.search = new ConstantVectorSearch(queryApiUrl);
    this.dimension = dimension;
    this.fps = fps;
  }

  /** The token of a frame of {@code source} captured at {@code captureMillis}. */
  public static String token(String source, long captureMillis) {
    return source + "@" + captureMillis;
  }

  /**
   * The windows that cover {@code batch}, each holding at most {@value #MAX_K} frames of a feed at
   * {@code fps} (pure; tested).
   */
  static List<Window> windows(List<FreshnessTracker.Pending> batch, double fps) {
    Map<String, List<Long>> bySource = new LinkedHashMap<>();
    for (FreshnessTracker.Pending p : batch) {
      int at = p.token().lastIndexOf('@');
      bySource
          .computeIfAbsent(p.token().substring(0, at), s -> new ArrayList<>())
          .add(Long.parseLong(p.token().substring(at + 1)));
    }
    long maxSpanMillis = (long) Math.floor((MAX_K - 1) * 1000.0 / fps);
    List<Window> out = new ArrayList<>();
    bySource.forEach(
        (source, captures) -> {
          captures.sort(Comparator.naturalOrder());
          long first = captures.get(0);
          long last = first;
          for (long c : captures) {
            if (c - first > maxSpanMillis) {
              out.add(new Window(source, first, last + 1));
              first = c;
            }
            last = c;
          }
          out.add(new Window(source, first, last + 1));
        });
    return out;
  }

  /** The request body for one window (pure; tested). */
  static String body(Window window, int dimension) {
    ObjectNode body = ConstantVectorSearch.query(dimension);
    body.put("k", MAX_K);
    body.putArray("source").add(window.source());
    body.put("from", Instant.ofEpochMilli(window.fromMillis()).toString());
    body.put("to", Instant.ofEpochMilli(window.toMillis()).toString());
    return body.toString();
  }

  @Override
  public Set<String> visible(List<FreshnessTracker.Pending> batch) throws Exception {
    Set<String> out = new HashSet<>();
    for (Window w : windows(batch, fps)) {
      out.addAll(search.ids(body(w, dimension)));
    }
    return out;
  }
}
