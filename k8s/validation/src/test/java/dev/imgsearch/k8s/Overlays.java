package dev.imgsearch.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds overlays once per test run and validates whole manifests. */
final class Overlays {
  private Overlays() {}

  static final List<String> ALL = List.of("dev", "prod");

  private static final Map<String, Manifest> BUILT = new ConcurrentHashMap<>();

  static Manifest build(String overlay) {
    return BUILT.computeIfAbsent(overlay, o -> build(Repo.k8s(), o));
  }

  static Manifest build(Path k8sDir, String overlay) {
    return new Manifest(overlay, Kustomize.build(k8sDir.resolve("overlays").resolve(overlay)));
  }

  /** Schema problems of every resource of the manifest. */
  static List<String> schemaProblems(Manifest m) {
    List<String> problems = new ArrayList<>();
    m.resources().forEach(r -> problems.addAll(SchemaCatalog.get().validate(r)));
    return problems;
  }
}
