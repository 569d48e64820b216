package dev.imgsearch.cli.camera;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Check: every frame a camera published is findable by time. Pages through {@code GET
 * /v1/images?source=…&from=…&to=…&limit=500} (newest first) over the replay's capture times: each
 * next page ends (exclusive {@code to}) at the oldest capture time of the one before, which is
 * exact because a camera's frames have distinct capture times.
 *
 * @param expected frames published
 * @param found of those, listed
 * @param unexpected listed rows that are not frames of the replay (0 when right)
 * @param pages listing requests
 * @param complete every answer said {@code complete}
 */
public record FindableByTime(
    String source, int expected, int found, int unexpected, int pages, boolean complete) {
  static final int PAGE = 500;

  public boolean ok() {
    return found == expected && unexpected == 0 && complete;
  }

  /** Lists the frames {@code 0..frames-1} of {@code feed} through the API. */
  static FindableByTime check(ApiJson api, CameraFeed feed, int frames) throws Exception {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < frames; i++) {
      expected.add(feed.imageId(i));
    }
    Set<String> listed = new HashSet<>();
    long to = feed.endMillis(frames);
    int pages = 0;
    boolean complete = true;
    while (true) {
      JsonNode page =
          api.get(
              "/v1/images?source="
                  + feed.source()
                  + "&from="
                  + Instant.ofEpochMilli(feed.startMillis())
                  + "&to="
                  + Instant.ofEpochMilli(to)
                  + "&limit="
                  + PAGE);
      pages++;
      complete &= page.path("complete").asBoolean(false);
      page.path("images").forEach(image -> listed.add(image.get("id").asText()));
      OptionalLong next = nextTo(page, to);
      if (next.isEmpty()) {
        break;
      }
      to = next.getAsLong();
    }
    int found = (int) listed.stream().filter(expected::contains).count();
    return new FindableByTime(feed.source(), frames, found, listed.size() - found, pages, complete);
  }

  /**
   * The exclusive end of the page after {@code page} (which ended at {@code to}): its oldest
   * capture time; empty when it was the last page (not full) or would not move back (pure; tested).
   */
  static OptionalLong nextTo(JsonNode page, long to) {
    JsonNode images = page.path("images");
    if (images.size() < PAGE) {
      return OptionalLong.empty();
    }
    long oldest = Long.MAX_VALUE;
    for (JsonNode image : images) {
      oldest = Math.min(oldest, Instant.parse(image.get("capturedAt").asText()).toEpochMilli());
    }
    return oldest < to ? OptionalLong.of(oldest) : OptionalLong.empty();
  }
}
