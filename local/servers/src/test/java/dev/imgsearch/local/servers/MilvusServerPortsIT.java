package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A port some other socket holds on an address other than 127.0.0.1 (here: bound on the IPv6
 * loopback or on the machine's own address, as an outgoing connection's ephemeral port is) is not
 * free for the server, which listens on every address. The stock launcher probed 127.0.0.1 only,
 * chose the port anyway, and the server died with "listen tcp :53100: bind: address already in
 * use"; the start must move to a free port instead.
 */
class MilvusServerPortsIT {
  private static final int ROOT_COORD_DEFAULT_PORT = 53100;

  @Test
  void aPortHeldOnAnotherAddressIsSkipped() throws Exception {
    assumeTrue(
        System.getenv(MilvusServer.URI_ENV) == null, "an external server is not started by tests");
    Optional<InetAddress> otherAddress = otherLocalAddress();
    assumeTrue(otherAddress.isPresent(), "this machine has no address besides 127.0.0.1");
    try (Socket holder = new Socket()) {
      holder.bind(new InetSocketAddress(otherAddress.get(), ROOT_COORD_DEFAULT_PORT));
      System.out.printf("holding %s%n", holder.getLocalSocketAddress());
      try (MilvusServer server = MilvusServer.start(Path.of("target", "milvus-ports-it"))) {
        assertThat(server.running()).isTrue();
        String ports =
            Files.readString(server.dataDir().orElseThrow().resolve(MilvusServer.PORTS_FILE));
        System.out.printf(
            "started at %s in %d ms with%n%s",
            server.uri(), server.startupTime().toMillis(), ports);
        assertThat(ports)
            .contains("root_coord_port=")
            .doesNotContain("root_coord_port=" + ROOT_COORD_DEFAULT_PORT);
        assertThat(acceptsConnections(server)).as("the proxy accepts connections").isTrue();
      }
    }
  }

  /**
   * The IPv6 loopback when the machine has one, else a non-loopback IPv4 address of this machine.
   */
  private static Optional<InetAddress> otherLocalAddress() throws SocketException {
    Optional<InetAddress> other = Optional.empty();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet6Address && address.isLoopbackAddress()) {
          return Optional.of(address);
        }
        if (!(address instanceof Inet6Address) && !address.isLoopbackAddress() && other.isEmpty()) {
          other = Optional.of(address);
        }
      }
    }
    return other;
  }

  private static boolean acceptsConnections(MilvusServer server) {
    int port = URI.create(server.uri()).getPort();
    try (Socket client = new Socket()) {
      client.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
