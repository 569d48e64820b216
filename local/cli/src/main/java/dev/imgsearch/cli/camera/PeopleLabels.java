package dev.imgsearch.cli.camera;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-labelled people per frame ({@code embedder/core} test resource {@code vtest/persons.csv},
 * also used by {@code DetectorQualityTest}): lines {@code frame,x,y}, one point inside the torso of
 * every person visible enough to be seen, {@code #} comments. Pure.
 *
 * <p><b>Where the people of a frame appear.</b> The labels place people in single frames, not
 * tracks, but frames 431 and 451 of the footage (2 s apart at its 10 fps) show the same people (the
 * woman in red, the man in black, the man in brown: {@code vtest/README.md}). So the labels
 * establish that people labelled in a frame stay in view for at least {@value #VISIBLE_FRAMES}
 * footage frames; the frames where the people of a labelled frame {@code q} appear are taken to be
 * the frames {@code q ± }{@value #VISIBLE_FRAMES} of the footage (by position, whatever the replay
 * rate). A search hit outside that span may still show the same people (longer in view) — the share
 * is a lower bound.
 */
public final class PeopleLabels {
  /** Footage frames either side of a labelled frame where its people are taken to be in view. */
  public static final int VISIBLE_FRAMES = 20;

  private final Map<String, Integer> peopleByFrame;

  private PeopleLabels(Map<String, Integer> peopleByFrame) {
    this.peopleByFrame = peopleByFrame;
  }

  /** Parses the labels file's lines; a malformed line fails with its number. */
  public static PeopleLabels parse(List<String> lines) {
    Map<String, Integer> people = new LinkedHashMap<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(",");
      if (parts.length != 3 || parts[0].isBlank()) {
        throw new IllegalArgumentException(
            "people labels line " + (n + 1) + ": expected frame,x,y, not '" + line + "'");
      }
      try {
        Integer.parseInt(parts[1].trim());
        Integer.parseInt(parts[2].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "people labels line " + (n + 1) + ": x and y must be pixels, not '" + line + "'");
      }
      people.merge(parts[0].trim(), 1, Integer::sum);
    }
    return new PeopleLabels(people);
  }

  /** People labelled in the frame named {@code frame} (file name without extension), 0 if none. */
  public int people(String frame) {
    return peopleByFrame.getOrDefault(frame, 0);
  }

  /**
   * The positions in {@code frameNames} (the footage in order, names without extension) of the
   * labelled frames with at least one person: the query frames.
   */
  public List<Integer> queryFrames(List<String> frameNames) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < frameNames.size(); i++) {
      if (people(frameNames.get(i)) > 0) {
        out.add(i);
      }
    }
    return out;
  }

  /** Whether footage frame {@code hit} is where the people of query frame {@code query} appear. */
  public static boolean inSpan(int query, int hit) {
    return Math.abs(hit - query) <= VISIBLE_FRAMES;
  }
}
