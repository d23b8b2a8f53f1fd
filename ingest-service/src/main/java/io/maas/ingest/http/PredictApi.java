package io.maas.ingest.http;

import static io.maas.ingest.http.IngestMetrics.ACCEPTED;
import static io.maas.ingest.http.IngestMetrics.INVALID;
import static io.maas.ingest.http.IngestMetrics.TIMEOUT;
import static io.maas.ingest.http.IngestMetrics.count;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.http.ApiError;
import io.maas.common.kafka.Topics;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.kafka.KafkaUnavailableException;
import io.maas.ingest.kafka.RequestPublisher;
import io.maas.ingest.kafka.ResultFollower;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/models/{model}:predict} and {@code /v1/models/{model}/versions/{v}:predict}
 * (TensorFlow Serving's REST shape): the instances are published like
 * {@code /requests}, and the call is answered with their results, in instance order, once they
 * come back on {@code maas.results.<model>} ({@link ResultFollower}); 504 after
 * {@code MAAS_PREDICT_TIMEOUT_MS}.
 */
final class PredictApi {

  private static final Logger LOG = LoggerFactory.getLogger(PredictApi.class);

  private final Vertx vertx;
  private final IngestConfig config;
  private final Preparation preparation;
  private final Admission admission;
  private final RequestPublisher publisher;
  private final ResultFollower results;

  PredictApi(Vertx vertx, IngestConfig config, Preparation preparation, Admission admission, RequestPublisher publisher,
      ResultFollower results) {
    this.vertx = vertx;
    this.config = config;
    this.preparation = preparation;
    this.admission = admission;
    this.publisher = publisher;
    this.results = results;
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
      throw ApiError.INVALID_VERSION.because("the version in the URL must be a positive whole number");
    }
    handle(ctx, version);
  }

  void handle(RoutingContext ctx, Integer version) {
    String model = Admission.model(ctx);
    long now = System.currentTimeMillis();
    preparation.valid(ctx, model, now, (decoder, body) -> decoder.predict(body, version, now))
        .onFailure(e -> Preparation.fail(ctx, e))
        .onSuccess(prepared -> {
          List<InferenceRequest> requests = prepared.body().requests();
          int n = requests.size();
          String conflict = idConflict(requests);
          if (conflict != null) {
            count(model, INVALID, n);
            ctx.fail(ApiError.DUPLICATE_ID.because(conflict));
            return;
          }
          // Awaited answers are bounded like records in flight: each is a map entry until answered or timed out.
          if (!publisher.hasRoomFor(n) || results.expectedCount() + n > config.maxInFlight()) {
            ctx.fail(admission.overloaded(model, n));
            return;
          }
          new Prediction(ctx, model, requests, prepared.records()).start();
        });
  }

  /** Why these ids cannot be awaited, or null: an answer is matched to its call by request id. */
  private String idConflict(List<InferenceRequest> requests) {
    Set<String> seen = new HashSet<>();
    for (InferenceRequest request : requests) {
      if (!seen.add(request.id())) {
        return "id '" + request.id() + "' appears twice in this call; each instance needs its own id";
      }
      if (results.isExpected(request.id())) {
        return "id '" + request.id() + "' is already awaited by another :predict call";
      }
    }
    return null;
  }

  /** One :predict call: published requests whose answers it waits for, in instance order. */
  private final class Prediction {

    private final RoutingContext ctx;
    private final String model;
    private final List<InferenceRequest> requests;
    private final List<RequestPublisher.Record> records;
    private final Map<String, Integer> positions = new HashMap<>();
    private final InferenceResult[] answers;
    private final Consumer<InferenceResult> handler = this::answered;
    private int missing;
    private long timer;
    private boolean done;

    Prediction(RoutingContext ctx, String model, List<InferenceRequest> requests, List<RequestPublisher.Record> records) {
      this.ctx = ctx;
      this.model = model;
      this.requests = requests;
      this.records = records;
      this.answers = new InferenceResult[requests.size()];
      this.missing = requests.size();
    }

    void start() {
      for (int i = 0; i < requests.size(); i++) {
        positions.put(requests.get(i).id(), i);
        results.expect(requests.get(i).id(), handler);
      }
      timer = vertx.setTimer(config.predictTimeout().toMillis(), t -> timedOut());
      // Follow the results topic before publishing, so that no answer is written ahead of the consumer.
      results.follow(model)
          .compose(v -> done ? Future.succeededFuture() : publisher.publish(Topics.requests(model), records))
          .onFailure(this::failed);
    }

    private void answered(InferenceResult result) {
      Integer position = positions.get(result.id());
      if (done || position == null || answers[position] != null) {
        return;
      }
      answers[position] = result;
      if (--missing == 0) {
        finish();
        count(model, ACCEPTED, requests.size());
        JsonArray predictions = new JsonArray();
        for (InferenceResult answer : answers) {
          predictions.add(new JsonObject()
              .put("id", answer.id())
              .put("label", answer.label())
              .put("scores", new JsonObject(new LinkedHashMap<>(answer.scores())))
              .put("version", answer.version()));
        }
        ctx.json(new JsonObject().put("predictions", predictions));
      }
    }

    private void timedOut() {
      if (done) {
        return;
      }
      finish();
      count(model, TIMEOUT, requests.size());
      long ms = config.predictTimeout().toMillis();
      LOG.warn("A :predict call for model {} timed out after {} ms with {} of {} answers; is inference-service running?",
          model, ms, requests.size() - missing, requests.size());
      ctx.fail(ApiError.TIMEOUT.because((requests.size() - missing) + " of " + requests.size()
          + " answers arrived within " + ms + " ms (MAAS_PREDICT_TIMEOUT_MS); the requests may still be answered on "
          + Topics.results(model)));
    }

    private void failed(Throwable e) {
      if (done) {
        return;
      }
      finish();
      if (e instanceof RecordTooLargeException) {
        ctx.fail(admission.tooLargeForKafka(model, requests.size(), e));
      } else if (e instanceof KafkaUnavailableException) {
        ctx.fail(admission.kafkaUnavailable(model, requests.size()));
      } else {
        LOG.warn("A :predict call for model {} failed before its requests were published: {}", model, e.getMessage());
        ctx.fail(admission.notAcknowledged(model, requests.size(),
            "the requests could not be published or their answers cannot be read: " + e.getMessage()));
      }
    }

    private void finish() {
      done = true;
      vertx.cancelTimer(timer);
      for (InferenceRequest request : requests) {
        results.forget(request.id(), handler);
      }
    }
  }
}
