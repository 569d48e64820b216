package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Every usage mistake, on every command, is one line {@code imgsearch <cmd>: <message>} plus the
 * usage on stderr and exit code 2; nothing is started and no stack trace is printed. Only paths
 * that fail before any I/O are exercised.
 */
class CliUsageErrorsTest {
  @TempDir Path tmp;

  record Run(int exitCode, String out, String err) {
    String firstErrLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertUsageError(Run r, String command, String messagePart) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.firstErrLine()).startsWith("imgsearch " + command + ": ").contains(messagePart);
    assertThat(r.err()).contains("Usage: imgsearch " + command);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  /**
   * {@code args} (the command first) followed by {@code unreachable}, an endpoint option that must
   * never be contacted: a usage error of that command naming {@code messagePart}.
   */
  private static void assertUsageError(String[] unreachable, String messagePart, String... args) {
    assertUsageError(run(concat(args, unreachable)), args[0], messagePart);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "local",
        "bench",
        "ingest",
        "search",
        "delete",
        "ingest-stream",
        "reindex",
        "alerts",
        "watch list"
      })
  void anUnknownFlagIsOneLinePlusUsageAndExit2(String command) {
    // reindex's one required option is given: picocli reports a missing required option before
    // unknown ones
    List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
    args.addAll(
        command.equals("reindex")
            ? List.of("--collection", "c", "--no-such-flag", "x")
            : List.of("--no-such-flag", "x"));
    Run r = run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.firstErrLine()).startsWith("imgsearch " + command + ": ");
    assertThat(r.firstErrLine()).containsAnyOf("--no-such-flag", "no-such-flag");
    assertThat(r.err())
        .contains("Usage: imgsearch " + command)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }

  @Test
  void watchMistakes() throws Exception {
    Path image = Files.write(tmp.resolve("a.png"), new byte[] {1});
    assertUsageError(run("watch", "add", image.toString()), "watch add", "--threshold");
    assertUsageError(
        run("watch", "add", image.toString(), "--threshold", "x"), "watch add", "threshold");
    assertUsageError(run("watch", "add", "--threshold", "0.9"), "watch add", "IMAGE or --id");
    assertUsageError(
        run("watch", "add", tmp.resolve("none.png").toString(), "--threshold", "0.9"),
        "watch add",
        "no such file");
    assertUsageError(
        run("watch", "add", image.toString(), "--threshold", "0.9", "--cooldown", "30s"),
        "watch add",
        "ISO-8601");
    assertUsageError(run("watch", "rm"), "watch rm", "ID");
    assertUsageError(run("watch", "rm", "a/b"), "watch rm", "not a watch id");
    assertUsageError(run("watch"), "watch", "missing subcommand");
    assertUsageError(run("alerts", "--count", "0"), "alerts", "--count");
  }

  @Test
  void anUnknownCommand() {
    Run r = run("serch", "x.jpg");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.firstErrLine()).startsWith("imgsearch: ").contains("serch");
    assertThat(r.err()).contains("Usage: imgsearch");
  }

  @Test
  void ingestWithoutDirOrWithTwoDirs() {
    assertUsageError(run("ingest"), "ingest", "Missing required parameter: 'DIR'");
    assertUsageError(run("ingest", tmp.toString(), tmp.toString()), "ingest", "Unmatched argument");
  }

  @Test
  void ingestChecksEveryValueBeforeTouchingTheStore() {
    String dir = tmp.toString();
    // the endpoint is unreachable: these must fail on the value, not on the connection
    String[] endpoint = {"--endpoint", "http://127.0.0.1:1"};
    assertUsageError(
        endpoint, "--parallelism must be between 1 and 64", "ingest", dir, "--parallelism", "0");
    assertUsageError(endpoint, "'many' is not an int", "ingest", dir, "-p", "many");
    assertUsageError(endpoint, "rejected 'bad\"quote'", "ingest", dir, "--tags", "ok,bad\"quote");
    assertUsageError(endpoint, "--source must be", "ingest", dir, "--source", "cam 1");
    assertUsageError(
        endpoint, "unknown time zone 'Mars/Olympus'", "ingest", dir, "--time-zone", "Mars/Olympus");
    assertUsageError(endpoint, "not a directory", "ingest", tmp.resolve("missing").toString());
  }

  @Test
  void quotesInListValuesAreRejectedWithoutParserWarnings() {
    java.io.PrintStream before = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true));
    try {
      assertUsageError(
          run("ingest", tmp.toString(), "--tags", "a\"b", "--endpoint", "http://127.0.0.1:1"),
          "ingest",
          "rejected 'a\"b'");
      assertUsageError(
          run(
              "search",
              "--id",
              "0123456789abcdef0123456789abcdef",
              "--tags",
              "x,'y",
              "--api",
              "http://127.0.0.1:1"),
          "search",
          "rejected ''y'");
    } finally {
      System.setErr(before);
    }
    assertThat(captured.toString()).isEmpty();
  }

  @Test
  void searchArgumentsAndValues() throws Exception {
    Path image = Files.write(tmp.resolve("q.jpg"), new byte[] {1, 2, 3});
    String q = image.toString();
    String[] api = {"--api", "http://127.0.0.1:1"};
    assertUsageError(api, "give either IMAGE or --id ID", "search");
    assertUsageError(
        api,
        "give either IMAGE or --id ID",
        "search",
        q,
        "--id",
        "0123456789abcdef0123456789abcdef");
    assertUsageError(api, "Unmatched argument", "search", q, q);
    assertUsageError(api, "'abc' is not an int", "search", q, "-k", "abc");
    assertUsageError(api, "-k must be between 1 and 1000", "search", q, "-k", "0");
    assertUsageError(api, "--from must be an ISO-8601 instant", "search", q, "--from", "yesterday");
    assertUsageError(
        api,
        "--from must be before --to",
        "search",
        q,
        "--from",
        "2024-05-02T00:00:00Z",
        "--to",
        "2024-05-01T00:00:00Z");
    assertUsageError(api, "--min-score must be between -1 and 1", "search", q, "--min-score", "2");
    assertUsageError(api, "rejected 'a'b'", "search", q, "--source", "a'b");
    assertUsageError(api, "--id must be an image id", "search", "--id", "not-an-id");
    assertUsageError(api, "no such file", "search", tmp.resolve("none.jpg").toString());
    assertUsageError(api, "--json", "search", q, "--json=maybe");
  }

  @Test
  void deleteNeedsKeys() {
    assertUsageError(run("delete"), "delete", "Missing required parameter: 'KEY'");
    assertUsageError(
        run("delete", "--endpoint", "http://127.0.0.1:1", "/abs/key.jpg"),
        "delete",
        "a KEY is an object key");
  }

  @Test
  void localRejectsAnUnknownVectorStoreAndAPortThatIsNoNumber() {
    assertUsageError(
        run("local", "--vector-store", "faiss"), "local", "expected one of [embedded, milvus]");
    assertUsageError(run("local", "--http-port", "eighty"), "local", "'eighty' is not an int");
    Run r = run("local", "--checkpoint-interval", "1s");
    assertUsageError(r, "local", "--checkpoint-interval");
    assertThat(r.firstErrLine()).doesNotContain("java.time.format");
    assertUsageError(
        run("local", "--detect", "cars"), "local", "detect: unknown part 'cars' in 'cars'");
  }

  @Test
  void localRejectsOptionsThatDoNotFitItsMode() {
    String data = tmp.resolve("cluster-data").toString();
    assertUsageError(
        run("local", "--cluster", "--kafka-port", "9999", "--data-dir", data),
        "local",
        "--kafka-port does not apply with --cluster");
    assertUsageError(
        run("local", "--parallelism", "3", "--data-dir", data),
        "local",
        "--parallelism needs --cluster");
    assertUsageError(
        run("local", "--cluster", "--parallelism", "5", "--data-dir", data),
        "local",
        "--parallelism must be 1..4");
    assertThat(tmp.resolve("cluster-data")).doesNotExist(); // nothing was started
  }

  @Test
  void benchRejectsClusterOptionsThatDoNotFitItsMode() {
    String data = tmp.resolve("bench-data").toString();
    assertUsageError(
        run("bench", "--parallelism", "2", "--data-dir", data),
        "bench",
        "--parallelism needs --cluster");
    assertUsageError(
        run("bench", "--cluster", "--watches", "10", "--data-dir", data),
        "bench",
        "--cluster goes with the bench's phases, not with --camera or --watches");
    assertUsageError(
        run("bench", "--cluster", "--camera", tmp.toString(), "--data-dir", data),
        "bench",
        "--cluster goes with the bench's phases");
    assertThat(tmp.resolve("bench-data")).doesNotExist(); // nothing was started
  }

  @Test
  void localWithMilvusButNoLauncherSaysWhichScriptInstallsIt() {
    String property = dev.imgsearch.local.servers.MilvusServer.EXECUTABLE_PROPERTY;
    String before = System.getProperty(property);
    System.setProperty(property, tmp.resolve("no-milvus-server").toString());
    try {
      Run r =
          run("local", "--vector-store", "milvus", "--data-dir", tmp.resolve("data").toString());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err().lines().toList()).hasSize(1);
      assertThat(r.firstErrLine())
          .startsWith("imgsearch local: ")
          .contains("bundled Milvus server")
          .contains("scripts/test-deps.sh")
          .contains("--milvus-uri");
      assertThat(tmp.resolve("data")).doesNotExist(); // nothing was started
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }

  @Test
  void reindexWithoutItsRequiredOptionAndIngestStreamWithABadOption() {
    assertUsageError(run("reindex"), "reindex", "Missing required option: '--collection");
    assertUsageError(run("ingest-stream", "positional"), "ingest-stream", "expected --name value");
  }

  @Test
  void everyStoreCommandRejectsAnUnknownVectorStoreAlike() {
    assertUsageError(
        run("bench", "--vector-store", "faiss"), "bench", "expected one of [embedded, milvus]");
    assertUsageError(
        run("reindex", "--collection", "c", "--vector-store", "faiss"),
        "reindex",
        "expected one of [embedded, milvus]");
  }

  @Test
  void cameraReplayMistakesAreUsageErrorsBeforeAnythingStarts() {
    assertUsageError(
        run("bench", "--camera", "no-such-frames-dir"), "bench", "--camera: not a directory");
    assertUsageError(
        run("bench", "--camera", ".", "--fps", "0"), "bench", "--fps must be in (0, 1000]");
    assertUsageError(
        run("bench", "--camera", ".", "--cameras", "0"), "bench", "--cameras must be 1..16");
  }

  @Test
  void reindexValueMistakesAreUsageErrors() {
    assertUsageError(
        run("reindex", "--collection", "c", "--vector-store", "milvus"),
        "reindex",
        "--vector-store milvus needs --milvus-uri");
    assertUsageError(
        run("reindex", "--collection", "c", "--on-model-mismatch", "maybe"),
        "reindex",
        "--on-model-mismatch must be skip or fail");
    assertUsageError(
        run("reindex", "--collection", "c", "--re-embed"), "reindex", "not implemented yet");
  }

  @Test
  void aFailureThatIsNoUsageErrorIsOneLineWithExit1() {
    Run r =
        run("search", "--id", "0123456789abcdef0123456789abcdef", "--api", "http://127.0.0.1:1");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.firstErrLine())
        .startsWith("imgsearch search: cannot reach the query API at http://127.0.0.1:1");
    assertThat(r.err()).doesNotContain("Usage:").doesNotContain("\tat ");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
