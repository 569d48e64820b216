package dev.imgsearch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.imgsearch.indexer.store.StoreSettings;
import dev.imgsearch.local.servers.MilvusServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code imgsearch local --vector-store milvus} without {@code --milvus-uri}: the bundled Milvus
 * server is started under the data directory, the stack uses it, and closing the stack stops it.
 */
class LocalCommandMilvusIT {
  @TempDir Path dataDir;

  @Test
  void theBundledMilvusServerStartsAndStopsWithTheStack() throws Exception {
    assumeTrue(
        System.getenv(MilvusServer.URI_ENV) == null, "an external Milvus server is configured");
    LocalCommand command = new LocalCommand();
    new CommandLine(command)
        .parseArgs(
            "--vector-store",
            "milvus",
            "--data-dir",
            dataDir.toString(),
            "--http-port",
            "0",
            "--kafka-port",
            "0",
            "--s3-port",
            "0");
    int milvusPort;
    MilvusServer milvus;
    try (LocalCommand.Running running = command.start()) {
      milvus = running.bundledMilvus();
      assertThat(milvus).isNotNull();
      assertThat(milvus.launched()).isTrue();
      assertThat(milvus.running()).isTrue();
      assertThat(milvus.dataDir()).contains(dataDir.resolve("milvus").toAbsolutePath());
      assertThat(running.settings().milvusUri()).isEqualTo(milvus.uri());
      assertThat(running.stack().storeSettings().kind()).isEqualTo(StoreSettings.Kind.MILVUS);
      milvusPort = URI.create(milvus.uri()).getPort();
      assertThat(listening(milvusPort)).isTrue();
      awaitReady(running.stack().queryApiUrl());
    }
    assertThat(milvus.running()).isFalse();
    assertThat(listening(milvusPort)).isFalse();
  }

  private static void awaitReady(String api) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    int status = -1;
    while (Instant.now().isBefore(deadline)) {
      status =
          http.send(
                  HttpRequest.newBuilder(URI.create(api + "/readyz")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
      if (status == 200) {
        return;
      }
      Thread.sleep(500);
    }
    assertThat(status).as("/readyz of the stack on the bundled Milvus").isEqualTo(200);
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
