package dev.imgsearch.schemas;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import javax.net.SocketFactory;

/**
 * Sockets with {@code TCP_NODELAY} for the pipeline's S3 clients (MinIO SDK over OkHttp, which
 * leaves Nagle's algorithm on). An S3 PUT goes out as headers and then the body in several writes;
 * with Nagle on, each write after the first waits for the server's ACK, which a Linux peer delays
 * by up to 40 ms: measured against the local S3 server, 52–58 ms per sequential 16 kB PUT with
 * Nagle, 10–23 ms without (docs/benchmarks.md, "S3 requests and Nagle"). The claim-check stores a
 * camera's frames one after another, so this bounds a camera's frame rate.
 */
public final class TcpNoDelay extends SocketFactory {
  private static final SocketFactory DEFAULT = SocketFactory.getDefault();

  /** The factory to give the HTTP client ({@code OkHttpClient.Builder.socketFactory}). */
  public static SocketFactory socketFactory() {
    return new TcpNoDelay();
  }

  private TcpNoDelay() {}

  private static Socket noDelay(Socket s) throws SocketException {
    s.setTcpNoDelay(true);
    return s;
  }

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(DEFAULT.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(DEFAULT.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(DEFAULT.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(DEFAULT.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(DEFAULT.createSocket(address, port, localAddress, localPort));
  }
}
