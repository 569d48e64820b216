package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link LeastPrivilege} rule of Milvus: authentication on, and each Milvus client's token from a
 * Secret of its own.
 */
final class MilvusRules {
  private MilvusRules() {}

  static List<String> milvus(Manifest m) {
    List<String> p = new ArrayList<>();
    for (JsonNode milvus : m.ofKind("Milvus")) {
      JsonNode enabled =
          milvus
              .path("spec")
              .path("config")
              .path("common")
              .path("security")
              .path("authorizationEnabled");
      if (!enabled.asBoolean(false) && !"true".equals(enabled.asText())) {
        p.add(
            "Milvus "
                + Manifest.name(milvus)
                + " runs without authentication (spec.config.common.security.authorizationEnabled)");
      }
    }
    if (m.ofKind("Milvus").isEmpty()) {
      return p;
    }
    Map<String, String> clientOfSecret = new LinkedHashMap<>();
    List<Object[]> clients = new ArrayList<>();
    for (ObjectNode fd : m.ofKind("FlinkDeployment")) {
      if (!"embedded"
          .equals(
              Manifest.options(Manifest.texts(fd.path("spec").path("job").path("args")))
                  .get("store.kind"))) {
        clients.add(
            new Object[] {
              Manifest.name(fd),
              Manifest.container(fd, "flink-main-container"),
              "IMGSEARCH_EMBEDDER_MILVUS_TOKEN"
            });
      }
    }
    m.find("Deployment", "query-api")
        .ifPresent(
            d ->
                clients.add(
                    new Object[] {
                      "query-api",
                      Manifest.container(d, "query-api"),
                      "IMGSEARCH_QUERY_MILVUS_TOKEN"
                    }));
    for (Object[] c : clients) {
      String who = (String) c[0];
      JsonNode ref = null;
      for (JsonNode e : ((JsonNode) c[1]).path("env")) {
        if (c[2].equals(e.path("name").asText())) {
          ref = e.path("valueFrom").path("secretKeyRef");
        }
      }
      if (ref == null || ref.isMissingNode()) {
        p.add(who + " gets no Milvus token from a Secret (env " + c[2] + ")");
        continue;
      }
      if (ref.path("optional").asBoolean(false)) {
        p.add(
            who
                + ": the Milvus token Secret "
                + ref.path("name").asText()
                + " is optional; with authentication on it is required");
      }
      String other = clientOfSecret.putIfAbsent(ref.path("name").asText(), who);
      if (other != null) {
        p.add(
            who
                + " and "
                + other
                + " share the Milvus token of Secret "
                + ref.path("name").asText()
                + "; give each client its own user");
      }
    }
    return p;
  }
}
