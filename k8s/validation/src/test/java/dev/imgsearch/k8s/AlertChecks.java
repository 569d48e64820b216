package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The alert rules of the PrometheusRules: each has a duration, a severity, a summary, a description
 * and a runbook section that exists; {@link #ruleFile} gives all rule groups to promtool.
 */
final class AlertChecks {
  private AlertChecks() {}

  static final String RUNBOOK = "docs/runbook.md";

  static final Set<String> SEVERITIES = Set.of("warning", "critical");
  private static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d|w|y))+");
  private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

  /**
   * Alert rules without a duration, severity, summary, description or a runbook section that
   * exists.
   */
  static List<String> alertProblems(Manifest m, String runbook) {
    Set<String> anchors = anchors(runbook);
    List<String> problems = new ArrayList<>();
    for (JsonNode r : Monitoring.rules(m)) {
      if (!r.has("alert")) {
        if (!r.path("record").asText().contains(":")) {
          problems.add(
              "recording rule " + r.path("record").asText() + ": name it level:metric:operations");
        }
        continue;
      }
      String a = r.path("alert").asText();
      if (r.path("expr").asText().isBlank()) {
        problems.add(a + ": empty expr");
      }
      if (!DURATION.matcher(r.path("for").asText()).matches()) {
        problems.add(a + ": 'for' is missing or not a duration: '" + r.path("for").asText() + "'");
      }
      if (!SEVERITIES.contains(r.path("labels").path("severity").asText())) {
        problems.add(a + ": severity label must be one of " + SEVERITIES);
      }
      for (String key : List.of("summary", "description", "runbook_url")) {
        if (r.path("annotations").path(key).asText().isBlank()) {
          problems.add(a + ": no " + key + " annotation");
        }
      }
      String url = r.path("annotations").path("runbook_url").asText();
      if (!url.isBlank()) {
        if (!url.startsWith(RUNBOOK + "#")) {
          problems.add(a + ": runbook_url must be " + RUNBOOK + "#<section>, is " + url);
        } else if (!anchors.contains(url.substring(RUNBOOK.length() + 1))) {
          problems.add(
              a + ": " + RUNBOOK + " has no section #" + url.substring(RUNBOOK.length() + 1));
        }
      }
    }
    return problems;
  }

  /**
   * GitHub's anchors of the markdown headings: lower case, punctuation dropped, spaces as dashes.
   */
  static Set<String> anchors(String markdown) {
    Set<String> out = new TreeSet<>();
    Matcher h = HEADING.matcher(markdown);
    while (h.find()) {
      out.add(
          h.group(1)
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N} _-]", "")
              .replace(' ', '-'));
    }
    return out;
  }

  /** The rule groups of the manifest's PrometheusRules as one promtool rule file. */
  static String ruleFile(Manifest m) {
    var root = Kustomize.YAML.createObjectNode();
    var groups = root.putArray("groups");
    m.ofKind("PrometheusRule").forEach(pr -> pr.path("spec").path("groups").forEach(groups::add));
    try {
      return Kustomize.YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
