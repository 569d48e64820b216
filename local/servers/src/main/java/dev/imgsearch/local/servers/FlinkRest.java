package dev.imgsearch.local.servers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The parts of Flink's JobManager REST API the local cluster uses: cluster overview, jar upload and
 * run (the web submission endpoints of {@code flink-runtime-web}), job and vertex status, cancel.
 * Plain HTTP and JSON, so callers need no Flink classes.
 */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public FlinkRest(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** A job's state and the states of its vertices. */
  public record JobStatus(String state, List<Vertex> vertices) {
    /** The job runs and every vertex' tasks run (deployed everywhere, not just scheduled). */
    public boolean fullyRunning() {
      return state.equals("RUNNING")
          && !vertices.isEmpty()
          && vertices.stream().allMatch(v -> v.status().equals("RUNNING"));
    }
  }

  /** One job vertex (operator chain). */
  public record Vertex(String id, String name, String status, int parallelism) {}

  /** One subtask of a vertex and the TaskManager (resource id) it runs on. */
  public record Subtask(int index, String status, String taskManagerId) {}

  /** {@code GET /overview}: TaskManagers registered with the JobManager. */
  public int taskManagers() throws IOException, InterruptedException {
    return get("/overview").path("taskmanagers").asInt(-1);
  }

  /** {@code GET /overview}: free slots. */
  public int freeSlots() throws IOException, InterruptedException {
    return get("/overview").path("slots-available").asInt(-1);
  }

  /** {@code POST /jars/upload}; returns the jar id for {@link #runJar}. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "flink-" + UUID.randomUUID();
    var body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
            .timeout(Duration.ofMinutes(2))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    String filename = send(request).path("filename").asText("");
    if (filename.isEmpty()) {
      throw new IOException("jar upload answered without a filename");
    }
    return Path.of(filename).getFileName().toString();
  }

  /**
   * {@code POST /jars/:id/run}: runs the jar's {@code entryClass} main with {@code args} on the
   * JobManager (it builds the job graph and submits it); returns the job id.
   */
  public String runJar(String jarId, String entryClass, int parallelism, List<String> args)
      throws IOException, InterruptedException {
    return runJar(jarId, entryClass, parallelism, args, null);
  }

  /**
   * {@link #runJar(String, String, int, List)} restoring from {@code savepointPath} (when not null)
   * with {@code allowNonRestoredState=false}: the submission fails unless every operator state in
   * the savepoint maps to an operator (by uid) of the new job graph.
   */
  public String runJar(
      String jarId, String entryClass, int parallelism, List<String> args, String savepointPath)
      throws IOException, InterruptedException {
    ObjectNode run = JSON.createObjectNode();
    run.put("entryClass", entryClass);
    run.put("parallelism", parallelism);
    if (savepointPath != null) {
      run.put("savepointPath", savepointPath);
      run.put("allowNonRestoredState", false);
    }
    run.putArray("programArgsList")
        .addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/jars/" + jarId + "/run"))
            .timeout(Duration.ofMinutes(2))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(run)))
            .build();
    return send(request).path("jobid").asText();
  }

  /**
   * Waits until job {@code jobId} and every one of its vertices are RUNNING.
   *
   * @throws IllegalStateException after {@code timeout}, with the job's state and root exception
   */
  public void awaitFullyRunning(String jobId, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!job(jobId).fullyRunning()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "job not running within " + timeout + ": " + job(jobId) + "\n" + rootException(jobId));
      }
      Thread.sleep(200);
    }
  }

  /** {@code GET /jobs/:id}. */
  public JobStatus job(String jobId) throws IOException, InterruptedException {
    JsonNode job = get("/jobs/" + jobId);
    List<Vertex> vertices = new ArrayList<>();
    for (JsonNode v : job.path("vertices")) {
      vertices.add(
          new Vertex(
              v.path("id").asText(),
              v.path("name").asText(),
              v.path("status").asText(),
              v.path("parallelism").asInt()));
    }
    return new JobStatus(job.path("state").asText(), vertices);
  }

  /** {@code GET /jobs/:id/vertices/:vid}: where each subtask runs. */
  public List<Subtask> subtasks(String jobId, String vertexId)
      throws IOException, InterruptedException {
    List<Subtask> subtasks = new ArrayList<>();
    for (JsonNode s : get("/jobs/" + jobId + "/vertices/" + vertexId).path("subtasks")) {
      subtasks.add(
          new Subtask(
              s.path("subtask").asInt(),
              s.path("status").asText(),
              s.path("taskmanager-id").asText()));
    }
    return subtasks;
  }

  /**
   * {@code GET /jobs/:id/vertices/:vid/metrics?get=<subtask>.<metric>}: one subtask's metric (e.g.
   * {@code 0.fetch-decode-embed.jpegTurbo}), or "" when the vertex does not report it (yet).
   */
  public String metric(String jobId, String vertexId, String metric)
      throws IOException, InterruptedException {
    for (JsonNode m : get("/jobs/" + jobId + "/vertices/" + vertexId + "/metrics?get=" + metric)) {
      if (m.path("id").asText().equals(metric)) {
        return m.path("value").asText("");
      }
    }
    return "";
  }

  /**
   * {@code GET /jobs/:id/exceptions}: the root exception of the latest failure, or "" when none.
   */
  public String rootException(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId + "/exceptions").path("root-exception").asText("");
  }

  /**
   * {@code POST /jobs/:id/stop} with {@code targetDirectory} (no drain), then polls {@code
   * /jobs/:id/savepoints/:triggerid} until the savepoint completes; returns its location. Throws
   * when it fails or does not complete within {@code timeout}.
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
      throws IOException, InterruptedException {
    ObjectNode stop = JSON.createObjectNode();
    stop.put("targetDirectory", targetDirectory);
    stop.put("drain", false);
    String trigger =
        send(HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "/stop"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(stop)))
                .build())
            .path("request-id")
            .asText("");
    if (trigger.isEmpty()) {
      throw new IOException("stop-with-savepoint of " + jobId + " answered without a request-id");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if (status.path("status").path("id").asText().equals("COMPLETED")) {
        JsonNode operation = status.path("operation");
        if (operation.hasNonNull("failure-cause")) {
          throw new IOException(
              "savepoint of "
                  + jobId
                  + " failed: "
                  + operation
                      .path("failure-cause")
                      .path("stack-trace")
                      .asText(operation.path("failure-cause").toString())
                      .lines()
                      .findFirst()
                      .orElse(""));
        }
        return operation.path("location").asText();
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("savepoint of " + jobId + " not complete within " + timeout);
      }
      Thread.sleep(100);
    }
  }

  /**
   * {@code GET /jobs/:id/checkpoints}: where the job's state was restored from ({@code
   * latest.restored.external_path}), or "" when it started empty.
   */
  public String restoredFrom(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId + "/checkpoints")
        .path("latest")
        .path("restored")
        .path("external_path")
        .asText("");
  }

  /** {@code PATCH /jobs/:id?mode=cancel}. */
  public void cancel(String jobId) throws IOException, InterruptedException {
    send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
            .timeout(TIMEOUT)
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build());
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT).GET().build());
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          request.method()
              + " "
              + request.uri().getPath()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }
}
