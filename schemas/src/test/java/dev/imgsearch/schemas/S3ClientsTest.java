package dev.imgsearch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

class S3ClientsTest {
  @Test
  void theHttpClientIsTheSdkDefaultWithNagleOff() throws Exception {
    OkHttpClient client = S3Clients.httpClient();
    OkHttpClient sdkDefault = Http.newDefaultClient();
    try (Socket socket = client.socketFactory().createSocket()) {
      assertThat(socket.getTcpNoDelay()).isTrue();
    }
    assertThat(client.connectTimeoutMillis()).isEqualTo(sdkDefault.connectTimeoutMillis());
    assertThat(client.readTimeoutMillis()).isEqualTo(sdkDefault.readTimeoutMillis());
    assertThat(client.writeTimeoutMillis()).isEqualTo(sdkDefault.writeTimeoutMillis());
    assertThat(client.protocols()).isEqualTo(sdkDefault.protocols());
    assertThat(S3Clients.httpClient()).isNotSameAs(client); // a new one, as before, per client
  }

  @Test
  void requestsRunOnTheCallersThreadWithoutAQueue() throws Exception {
    Dispatcher dispatcher = S3Clients.httpClient().dispatcher();
    assertThat(dispatcher.executorService()).isInstanceOf(CallerRuns.class);
    assertThat(dispatcher.getMaxRequestsPerHost()).isEqualTo(Integer.MAX_VALUE);
    assertThat(dispatcher.getMaxRequests()).isEqualTo(Integer.MAX_VALUE);
    Thread caller = Thread.currentThread();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    dispatcher.executorService().execute(() -> ranOn.set(Thread.currentThread()));
    assertThat(ranOn.get()).isSameAs(caller);
  }

  @Test
  void theBuilderAddressesTheEndpointWithTheKeys() throws Exception {
    // with the region set, presigning is computed locally: nothing listens there
    String url =
        S3Clients.minio("http://127.0.0.1:9", "access", "secret")
            .region("us-east-1")
            .build()
            .getPresignedObjectUrl(
                GetPresignedObjectUrlArgs.builder()
                    .method(Http.Method.GET)
                    .bucket("images")
                    .object("k")
                    .build());
    assertThat(url).startsWith("http://127.0.0.1:9/images/k?").contains("Credential=access%2F");
  }
}
