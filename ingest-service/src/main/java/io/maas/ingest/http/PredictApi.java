package io.maas.ingest.http;

import io.maas.common.event.InferenceResult;
import io.maas.common.http.ApiError;
import io.maas.ingest.core.Predictor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;

/**
 * {@code POST /v1/models/{model}:predict} and {@code /v1/models/{model}/versions/{v}:predict}
 * (TensorFlow Serving's REST shape): the instances are published like
 * {@code /requests}, and the call is answered with their results, in instance order, once they
 * come back ({@link Predictor}); 504 after {@code MAAS_PREDICT_TIMEOUT_MS}.
 */
final class PredictApi {

  private final Preparation preparation;
  private final Predictor predictor;

  PredictApi(Preparation preparation, Predictor predictor) {
    this.preparation = preparation;
    this.predictor = predictor;
  }

  /** {@code /versions/{v}:predict}: the version from the URL. */
  void handleVersion(RoutingContext ctx) {
    int version;
    try {
      version = Integer.parseInt(ctx.pathParam("param1"));
    } catch (NumberFormatException e) {
      version = 0;
    }
    if (version < 1) {
      throw ApiError.INVALID_VERSION.because(
          "the version in the URL must be a positive whole number");
    }
    handle(ctx, version);
  }

  void handle(RoutingContext ctx, Integer version) {
    String model = HttpAdmission.model(ctx);
    long now = System.currentTimeMillis();
    preparation
        .valid(ctx, model, now, (decoder, body) -> decoder.predict(body, version, now))
        .compose(prepared -> predictor.predict(model, prepared.body().requests()))
        .onFailure(e -> Preparation.fail(ctx, e))
        .onSuccess(
            answers -> {
              JsonArray predictions = new JsonArray();
              for (InferenceResult answer : answers) {
                predictions.add(
                    new JsonObject()
                        .put("id", answer.id())
                        .put("label", answer.label())
                        .put("scores", new JsonObject(new LinkedHashMap<>(answer.scores())))
                        .put("version", answer.version()));
              }
              ctx.json(new JsonObject().put("predictions", predictions));
            });
  }
}
