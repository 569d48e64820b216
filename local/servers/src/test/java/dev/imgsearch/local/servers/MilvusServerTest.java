package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MilvusServerTest {
  @Test
  void aServerThatCouldNotListenOnAProbedPortIsLaunchedAgain() {
    var lost =
        new IllegalStateException(
            "Milvus standalone failed to start: the milvus process 16283 exited\n--- last lines of logs/milvus-stdout.log:\n"
                + "[ERROR] [rootcoord/service.go:256] [\"GrpcServer:failed to listen\"]"
                + " [error=\"listen tcp :53100: bind: address already in use\"]");
    assertThat(MilvusServer.lostPortRace(lost)).isTrue();
  }

  @Test
  void otherStartFailuresAreNotRetried() {
    assertThat(MilvusServer.lostPortRace(new IllegalStateException("Milvus standalone failed to start: not healthy within 180 s")))
        .isFalse();
    assertThat(MilvusServer.lostPortRace(new IllegalStateException((String) null))).isFalse();
  }
}
