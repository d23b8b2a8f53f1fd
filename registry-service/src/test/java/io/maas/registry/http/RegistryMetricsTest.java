package io.maas.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** maas_registry_writes_total counts every answered write once, by the class of its status. */
class RegistryMetricsTest {

  private final Vertx vertx = Vertx.vertx();
  private int port;

  @BeforeEach
  void serveAWriteThatAnswersTheStatusItIsAskedFor() throws Exception {
    Router router = Router.router(vertx);
    router
        .post("/rollback/:status")
        .handler(RegistryMetrics.counting(RegistryMetrics.ROLLBACK))
        .handler(
            ctx -> ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("status"))).end());
    port =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0)
            .map(HttpServer::actualPort)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Double writes(String operation, String outcome) {
    return CollectorRegistry.defaultRegistry.getSampleValue(
        "maas_registry_writes_total",
        new String[] {"operation", "outcome"},
        new String[] {operation, outcome});
  }

  private void post(int status) throws Exception {
    HttpResponse<Void> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/rollback/" + status))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.discarding());
    assertThat(response.statusCode()).isEqualTo(status);
  }

  @Test
  void countsOkRejectedAndFailedWritesOnceEach() throws Exception {
    assertThat(writes(RegistryMetrics.UPLOAD, "failed"))
        .as("every series exists before its first write, so that the first failure is an increase")
        .isEqualTo(0.0);
    double ok = writes(RegistryMetrics.ROLLBACK, "ok");
    double rejected = writes(RegistryMetrics.ROLLBACK, "rejected");
    double failed = writes(RegistryMetrics.ROLLBACK, "failed");

    post(200);
    post(409);
    post(401);
    post(503);

    assertThat(writes(RegistryMetrics.ROLLBACK, "ok") - ok).isEqualTo(1.0);
    assertThat(writes(RegistryMetrics.ROLLBACK, "rejected") - rejected).isEqualTo(2.0);
    assertThat(writes(RegistryMetrics.ROLLBACK, "failed") - failed).isEqualTo(1.0);
  }
}
