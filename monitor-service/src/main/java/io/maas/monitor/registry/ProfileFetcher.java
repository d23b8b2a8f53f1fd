package io.maas.monitor.registry;

import io.maas.common.profile.ReferenceProfile;
import io.maas.monitor.window.Windows;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the registry for the reference profile of every version the monitor meets
 * ({@code GET /v1/models/{model}/versions/{version}}, field {@code profile}). A version the
 * registry has no profile for is profiled from its first production answers instead; an
 * unreachable registry is asked again later.
 */
public final class ProfileFetcher extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileFetcher.class);
  private static final long RETRY_MILLIS = 10_000;

  private final URI registry;
  private final Windows windows;
  private WebClient client;
  private long timer = -1;

  public ProfileFetcher(URI registry, Windows windows) {
    this.registry = registry;
    this.windows = windows;
  }

  @Override
  public Future<?> start() {
    client = WebClient.create(vertx);
    timer = vertx.setPeriodic(1_000, id -> windows.profilesToFetch().forEach(this::fetch));
    return Future.succeededFuture();
  }

  private void fetch(Map.Entry<String, Integer> version) {
    String model = version.getKey();
    int v = version.getValue();
    String path = registry.getPath() + "/v1/models/" + model + "/versions/" + v;
    int port =
        registry.getPort() > 0
            ? registry.getPort()
            : ("https".equals(registry.getScheme()) ? 443 : 80);
    client
        .get(port, registry.getHost(), path)
        .ssl("https".equals(registry.getScheme()))
        .timeout(10_000)
        .send()
        .onSuccess(
            response -> {
              if (response.statusCode() == 404) {
                LOG.info(
                    "The registry does not know model {} v{}; it is profiled on its first production answers",
                    model,
                    v);
                windows.profileFetched(model, v, null);
              } else if (response.statusCode() != 200) {
                windows.profileFailed(model, v, RETRY_MILLIS);
              } else {
                windows.profileFetched(model, v, profile(model, v, response.bodyAsJsonObject()));
              }
            })
        .onFailure(
            e -> {
              LOG.debug(
                  "Asking the registry for the profile of {} v{} failed ({}); asking again in {} s",
                  model,
                  v,
                  e.toString(),
                  RETRY_MILLIS / 1000);
              windows.profileFailed(model, v, RETRY_MILLIS);
            });
  }

  private static ReferenceProfile profile(String model, int version, JsonObject body) {
    JsonObject json = body == null ? null : body.getJsonObject("profile");
    if (json == null) {
      LOG.info(
          "Model {} v{} has no training profile; it is profiled on its first production answers",
          model,
          version);
      return null;
    }
    try {
      return ReferenceProfile.fromJson(json);
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "The training profile of model {} v{} is unreadable ({}); it is profiled on its first production answers",
          model,
          version,
          e.getMessage());
      return null;
    }
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (client != null) {
      client.close();
    }
    return Future.succeededFuture();
  }
}
