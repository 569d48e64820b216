package dev.imgsearch.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code kustomize build} (the pinned binary in .tools/bin) and parses its output. */
final class Kustomize {
  private Kustomize() {}

  static final YAMLMapper YAML = new YAMLMapper();

  /** A failed build: kustomize's exit code and message. */
  static final class BuildFailedException extends RuntimeException {
    BuildFailedException(String message) {
      super(message);
    }
  }

  /** The resources of {@code kustomize build dir}, in output order. */
  static List<ObjectNode> build(Path dir) {
    Path kustomize = Repo.tool("bin/kustomize");
    try {
      Process p =
          new ProcessBuilder(kustomize.toString(), "build", dir.toString())
              .redirectError(ProcessBuilder.Redirect.PIPE)
              .start();
      // drain stderr concurrently so a chatty failure cannot block the build
      var stderr = new java.util.concurrent.CompletableFuture<String>();
      Thread t =
          new Thread(
              () -> {
                try {
                  stderr.complete(
                      new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                  stderr.complete("(stderr unreadable: " + e + ")");
                }
              });
      t.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new BuildFailedException("kustomize build " + dir + " timed out");
      }
      t.join();
      if (p.exitValue() != 0) {
        throw new BuildFailedException(
            "kustomize build " + dir + " exited " + p.exitValue() + ": " + stderr.join().strip());
      }
      return parse(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<ObjectNode> parse(String multiDocYaml) throws IOException {
    List<ObjectNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(multiDocYaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc instanceof ObjectNode o && !o.isEmpty()) {
          docs.add(o);
        }
      }
    }
    return docs;
  }
}
