package io.maas.registry.rollout;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Asks monitor-service what it saw of a model: {@code GET /v1/summary?model=...&window=...}. */
public final class MonitorClient {

  private static final int TIMEOUT_MILLIS = 5_000;

  private final URI monitor;
  private final HttpClient http;

  public MonitorClient(Vertx vertx, URI monitor) {
    this.monitor = monitor;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(TIMEOUT_MILLIS));
  }

  /**
   * The model's versions over the window, as the summary has them ({@code {"1":{...},"2":{...}}});
   * empty when the monitor has seen nothing of the model yet.
   */
  public Future<JsonObject> versions(String model, Duration window) {
    String uri =
        monitor.toString().replaceAll("/+$", "")
            + "/v1/summary?model="
            + URLEncoder.encode(model, StandardCharsets.UTF_8)
            + "&window="
            + window;
    return http.request(
            new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(uri)
                .setIdleTimeout(TIMEOUT_MILLIS))
        .compose(request -> request.send())
        .compose(
            response ->
                response
                    .body()
                    .compose(
                        body -> {
                          if (response.statusCode() == 404) {
                            return Future.succeededFuture(new JsonObject());
                          }
                          if (response.statusCode() != 200) {
                            return Future.failedFuture(
                                "the monitor answered HTTP " + response.statusCode() + ": " + body);
                          }
                          JsonObject summary =
                              body.toJsonObject().getJsonObject("models").getJsonObject(model);
                          return Future.succeededFuture(
                              summary == null
                                  ? new JsonObject()
                                  : summary.getJsonObject("versions", new JsonObject()));
                        }));
  }

  public Future<Void> close() {
    return http.close();
  }
}
