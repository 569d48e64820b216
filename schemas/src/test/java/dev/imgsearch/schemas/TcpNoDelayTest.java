package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TcpNoDelayTest {
  @Test
  void everySocketItMakesHasNagleOff() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      int port = server.getLocalPort();
      InetAddress loopback = InetAddress.getLoopbackAddress();
      try (Socket unconnected = TcpNoDelay.socketFactory().createSocket();
          Socket byName = TcpNoDelay.socketFactory().createSocket(loopback.getHostAddress(), port);
          Socket byAddress = TcpNoDelay.socketFactory().createSocket(loopback, port)) {
        assertThat(unconnected.getTcpNoDelay()).isTrue();
        assertThat(byName.getTcpNoDelay()).isTrue();
        assertThat(byAddress.getTcpNoDelay()).isTrue();
        unconnected.connect(new InetSocketAddress(loopback, port));
        assertThat(unconnected.getTcpNoDelay()).isTrue();
      }
      try (Socket plain = new Socket()) {
        assertThat(plain.getTcpNoDelay()).isFalse(); // the JDK's default, which this changes
      }
    }
  }
}
