package io.maas.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls against a service under test, and the checks every service must pass. */
public final class HttpProbe {

  /**
   * HTTP/1.1: the JDK client's default upgrade to h2c against Vert.x 5.0.7 sometimes garbles large
   * answers (a ProtocolException on a frame type; about one fresh connection in eight at 60 KB).
   */
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private HttpProbe() {}

  public static HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(uri(port, path)).GET());
  }

  public static HttpResponse<String> send(
      int port, String method, String path, String contentType, String body) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(port, path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder);
  }

  private static HttpResponse<String> send(HttpRequest.Builder builder) {
    try {
      return CLIENT.send(
          builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /**
   * The contract every service keeps: live, ready with its Kafka check up, and Prometheus
   * text format 0.0.4 with JVM metrics.
   */
  public static void assertServesHealthAndMetrics(int port) {
    HttpResponse<String> live = get(port, "/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body())
        .as("which build runs")
        .contains("\"version\":")
        .contains("\"revision\":");

    HttpResponse<String> ready = get(port, "/health/ready");
    assertThat(ready.statusCode()).as("ready: %s", ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("\"outcome\":\"UP\"").contains("\"id\":\"kafka\"");

    HttpResponse<String> metrics = get(port, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(
            type -> assertThat(type).startsWith("text/plain").contains("version=0.0.4"));
    assertThat(metrics.body())
        .contains("# TYPE jvm_memory_bytes_used gauge")
        .contains("process_cpu_seconds_total");
  }

  /** A contract endpoint that is not built yet answers 501 with a JSON reason, never a fake success. */
  public static void assertNotImplemented(int port, String method, String path) {
    HttpResponse<String> response =
        send(port, method, path, "application/json", method.equals("GET") ? null : "{}");
    assertThat(response.statusCode()).as("%s %s", method, path).isEqualTo(501);
    assertThat(response.body()).contains("\"error\":\"not_implemented\"");
  }
}
