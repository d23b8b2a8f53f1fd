package io.maas.ingest.core;

import static io.maas.ingest.core.IngestMetrics.ACCEPTED;
import static io.maas.ingest.core.IngestMetrics.INVALID;
import static io.maas.ingest.core.IngestMetrics.TIMEOUT;
import static io.maas.ingest.core.IngestMetrics.count;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.http.ApiError;
import io.maas.common.kafka.Topics;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.kafka.KafkaUnavailableException;
import io.maas.ingest.kafka.RequestPublisher;
import io.maas.ingest.kafka.ResultFollower;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous calls, HTTP {@code :predict} and gRPC {@code Predict}: requests published to
 * {@code maas.requests.<model>} like any others, answered once their results come back on
 * {@code maas.results.<model>} ({@link ResultFollower}), in request order. Fails with an
 * {@link io.maas.common.http.ApiException}: an id awaited twice, no room under
 * {@code MAAS_INGEST_MAX_IN_FLIGHT}, Kafka refusing the records, or no answer within
 * {@code MAAS_PREDICT_TIMEOUT_MS}. Confined to the ingest verticle's event loop.
 */
public final class Predictor {

  private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);

  private final Vertx vertx;
  private final IngestConfig config;
  private final Admission admission;
  private final RequestPublisher publisher;
  private final ResultFollower results;

  public Predictor(
      Vertx vertx,
      IngestConfig config,
      Admission admission,
      RequestPublisher publisher,
      ResultFollower results) {
    this.vertx = vertx;
    this.config = config;
    this.admission = admission;
    this.publisher = publisher;
    this.results = results;
  }

  /** Publishes the requests (all valid, of one model) and completes with their results, in the same order. */
  public Future<List<InferenceResult>> predict(String model, List<InferenceRequest> requests) {
    int n = requests.size();
    String conflict = idConflict(requests);
    if (conflict != null) {
      count(model, INVALID, n);
      return Future.failedFuture(ApiError.DUPLICATE_ID.because(conflict));
    }
    // Awaited answers are bounded like records in flight:
    // each is a map entry until answered or timed out.
    if (!admission.hasRoomFor(n, true)) {
      return Future.failedFuture(admission.overloaded(model, n));
    }
    return new Call(model, requests).start();
  }

  /** Why these ids cannot be awaited, or null: an answer is matched to its call by request id. */
  private String idConflict(List<InferenceRequest> requests) {
    Set<String> seen = new HashSet<>();
    for (InferenceRequest request : requests) {
      if (!seen.add(request.id())) {
        return "id '"
            + request.id()
            + "' appears twice in this call; each instance needs its own id";
      }
      if (results.isExpected(request.id())) {
        return "id '" + request.id() + "' is already awaited by another call";
      }
    }
    return null;
  }

  /** One call: published requests whose answers it waits for, in request order. */
  private final class Call {

    private final String model;
    private final List<InferenceRequest> requests;
    private final Map<String, Integer> positions = new HashMap<>();
    private final InferenceResult[] answers;
    private final Consumer<InferenceResult> handler = this::answered;
    private final Promise<List<InferenceResult>> promise = Promise.promise();
    private int missing;
    private long timer;
    private boolean done;

    Call(String model, List<InferenceRequest> requests) {
      this.model = model;
      this.requests = requests;
      this.answers = new InferenceResult[requests.size()];
      this.missing = requests.size();
    }

    Future<List<InferenceResult>> start() {
      for (int i = 0; i < requests.size(); i++) {
        positions.put(requests.get(i).id(), i);
        results.expect(requests.get(i).id(), handler);
      }
      timer = vertx.setTimer(config.predictTimeout().toMillis(), t -> timedOut());
      List<RequestPublisher.Record> records =
          requests.stream()
              .map(r -> new RequestPublisher.Record(r.id(), r.toBuffer().getBytes()))
              .toList();
      // Follow the results topic before publishing, so
      // that no answer is written ahead of the consumer.
      results
          .follow(model)
          .compose(
              v ->
                  done
                      ? Future.succeededFuture()
                      : publisher.publish(Topics.requests(model), records))
          .onFailure(this::failed);
      return promise.future();
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
        promise.complete(Arrays.asList(answers));
      }
    }

    private void timedOut() {
      if (done) {
        return;
      }
      finish();
      count(model, TIMEOUT, requests.size());
      long ms = config.predictTimeout().toMillis();
      LOG.warn(
          "A predict call for model {} timed out after {} ms with {} of {} answers; is inference-service running?",
          model,
          ms,
          requests.size() - missing,
          requests.size());
      promise.fail(
          ApiError.TIMEOUT.because(
              (requests.size() - missing)
                  + " of "
                  + requests.size()
                  + " answers arrived within "
                  + ms
                  + " ms (MAAS_PREDICT_TIMEOUT_MS); the requests may still be answered on "
                  + Topics.results(model)));
    }

    private void failed(Throwable e) {
      if (done) {
        return;
      }
      finish();
      if (e instanceof RecordTooLargeException) {
        promise.fail(admission.tooLargeForKafka(model, requests.size(), e));
      } else if (e instanceof KafkaUnavailableException) {
        promise.fail(admission.kafkaUnavailable(model, requests.size()));
      } else {
        LOG.warn(
            "A predict call for model {} failed before its requests were published: {}",
            model,
            e.getMessage());
        promise.fail(
            admission.notAcknowledged(
                model,
                requests.size(),
                "the requests could not be published or their answers cannot be read: "
                    + e.getMessage()));
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
