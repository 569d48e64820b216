package dev.imgsearch.local.servers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The proxy (gRPC) port is read from the {@code milvus.yaml} the launcher writes. */
class MilvusPortsTest {
  @Test
  void theProxyPortIsThePortOfTheProxySection() {
    String yaml =
        """
        rootCoord:
          address: localhost
          port: 53100
        proxy:
          timeTickInterval: 200

          http:
            enabled: true
          port: 19531
        queryNode:
          port: 21123
        """;
    assertThat(MilvusPorts.proxyPort(yaml)).hasValue(19531);
  }

  @Test
  void noProxySectionNoPort() {
    assertThat(MilvusPorts.proxyPort("rootCoord:\n  port: 53100\n")).isEmpty();
    assertThat(MilvusPorts.proxyPort("")).isEmpty();
  }
}
