package io.maas.ingest.http;

import static io.maas.ingest.core.IngestMetrics.ACCEPTED;
import static io.maas.ingest.core.IngestMetrics.count;

import io.maas.common.event.InferenceRequest;
import io.maas.common.kafka.Topics;
import io.maas.ingest.core.Admission;
import io.maas.ingest.kafka.KafkaUnavailableException;
import io.maas.ingest.kafka.RequestPublisher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/models/{model}/requests}: a JSON request, a JSON array of them or NDJSON,
 * validated all or nothing and published to {@code maas.requests.<model>}; 202 with the ids once
 * Kafka acknowledged every record.
 */
final class RequestsApi {

  static final String NDJSON = "application/x-ndjson";
  private static final Logger LOG = LoggerFactory.getLogger(RequestsApi.class);

  private final Preparation preparation;
  private final Admission admission;
  private final RequestPublisher publisher;

  RequestsApi(Preparation preparation, Admission admission, RequestPublisher publisher) {
    this.preparation = preparation;
    this.admission = admission;
    this.publisher = publisher;
  }

  void handle(RoutingContext ctx) {
    String model = HttpAdmission.model(ctx);
    boolean ndjson = NDJSON.equals(HttpAdmission.mediaType(ctx));
    long now = System.currentTimeMillis();
    preparation
        .valid(
            ctx,
            model,
            now,
            (decoder, body) -> ndjson ? decoder.ndjson(body, now) : decoder.json(body, now))
        .compose(
            prepared -> {
              List<InferenceRequest> requests = prepared.body().requests();
              int n = requests.size();
              if (!publisher.hasRoomFor(n)) {
                return Future.failedFuture(admission.overloaded(model, n));
              }
              return publisher
                  .publish(Topics.requests(model), prepared.records())
                  .recover(e -> Future.failedFuture(unpublished(model, n, e)))
                  .map(requests);
            })
        .onSuccess(
            requests -> {
              count(model, ACCEPTED, requests.size());
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("Content-Type", "application/json")
                  .end(
                      new JsonObject()
                          .put("accepted", requests.size())
                          .put(
                              "ids",
                              new JsonArray(requests.stream().map(InferenceRequest::id).toList()))
                          .encode());
            })
        .onFailure(e -> Preparation.fail(ctx, e));
  }

  private Throwable unpublished(String model, int n, Throwable e) {
    if (e instanceof RecordTooLargeException) {
      return admission.tooLargeForKafka(model, n, e);
    }
    if (e instanceof KafkaUnavailableException) {
      return admission.kafkaUnavailable(model, n);
    }
    LOG.warn(
        "Kafka did not acknowledge all of {} requests for model {}, answering 503: {}",
        n,
        model,
        e.getMessage());
    return admission.notAcknowledged(
        model, n, "Kafka did not acknowledge every request, so none is promised; send them again");
  }
}
