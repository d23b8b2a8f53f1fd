package io.maas.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The HTTP calls of a swap run: the registry's {@code PUT /v1/models/<model>/deployment} that
 * makes a version production, and inference's {@code GET /v1/status}, asked which version serves.
 */
final class DeploymentClient {

  // HTTP/1.1: the JDK client's h2c upgrade is of no use here, and costs both sides CPU
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Makes {@code to} the model's production version, as an admin with {@code token}. */
  void deploy(String registry, String token, String model, int to) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(registry + "/v1/models/" + model + "/deployment"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    new JsonObject().put("production", to).encode()))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException(
            "PUT "
                + request.uri()
                + " answered HTTP "
                + response.statusCode()
                + ": "
                + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "the registry at " + registry + " does not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** When inference's GET /v1/status first shows {@code to} as production (epoch ms), or 0 if not by {@code until}. */
  long awaitServing(String inference, String model, int to, long until) {
    while (System.currentTimeMillis() < until && !Thread.currentThread().isInterrupted()) {
      if (production(inference, model) == to) {
        return System.currentTimeMillis();
      }
      // often enough for a swap that takes seconds, seldom enough to cost the cores it shares with
      // the platform nothing
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    return 0;
  }

  /** The version inference's GET /v1/status shows as the model's production, or -1 (none, or no answer). */
  int production(String inference, String model) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(inference + "/v1/status"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      JsonObject status =
          new JsonObject(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
      JsonObject models = status.getJsonObject("models", status);
      JsonObject entry = models.getJsonObject(model);
      JsonArray versions = entry == null ? null : entry.getJsonArray("versions");
      for (int i = 0; versions != null && i < versions.size(); i++) {
        JsonObject v = versions.getJsonObject(i);
        if ("production".equals(v.getString("role"))) {
          return v.getInteger("version");
        }
      }
    } catch (IOException | RuntimeException e) {
      // not answering for a moment: the caller asks again
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return -1;
  }
}
