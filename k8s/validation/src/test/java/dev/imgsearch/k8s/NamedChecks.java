package dev.imgsearch.k8s;

import java.util.List;

/**
 * Runs one named check of a manifest (a cross-check, a least-privilege rule) into a list of
 * problems, each prefixed with the check's name; a check that throws or fails an assertion counts
 * as one problem instead of stopping the others.
 */
final class NamedChecks {
  private NamedChecks() {}

  /** One check: the problems it found, empty when there are none. */
  interface Check {
    List<String> run() throws Exception;
  }

  static void run(List<String> problems, String name, Check check) {
    try {
      check.run().forEach(p -> problems.add(name + ": " + p));
    } catch (Exception | AssertionError e) {
      problems.add(name + ": " + e);
    }
  }
}
