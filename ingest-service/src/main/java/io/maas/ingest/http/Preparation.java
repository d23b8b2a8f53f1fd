package io.maas.ingest.http;

import static io.maas.ingest.core.IngestMetrics.INVALID;
import static io.maas.ingest.core.IngestMetrics.TOO_LARGE;
import static io.maas.ingest.core.IngestMetrics.count;

import io.maas.common.event.DeadLetter;
import io.maas.common.http.ApiError;
import io.maas.common.kafka.Topics;
import io.maas.ingest.body.BodyDecoder;
import io.maas.ingest.body.DecodedBody;
import io.maas.ingest.body.TooManyItemsException;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.core.Admission;
import io.maas.ingest.core.IngestMetrics;
import io.maas.ingest.kafka.RequestPublisher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prologue both ingest calls share: decode the body (on a worker thread when it is large),
 * turn it into Kafka records, and refuse it all or nothing when an item is invalid: 400 with every
 * item's error, after the invalid items are written to {@code maas.dlq}.
 */
final class Preparation {

  private static final Logger LOG = LoggerFactory.getLogger(Preparation.class);
  private static final String STAGE = "ingest";

  /** Bodies up to this size are decoded on the event loop; larger ones on a worker thread. */
  private static final int INLINE_DECODE_BYTES = 64 * 1024;

  /** A decoded body with the Kafka records it turns into: its requests when valid, else its dead letters. */
  record Prepared(DecodedBody body, List<RequestPublisher.Record> records) {}

  private final Vertx vertx;
  private final IngestConfig config;
  private final RequestPublisher publisher;
  private final Admission admission;

  Preparation(Vertx vertx, IngestConfig config, RequestPublisher publisher, Admission admission) {
    this.vertx = vertx;
    this.config = config;
    this.publisher = publisher;
    this.admission = admission;
  }

  /**
   * Decodes the call's body for the model; completes with its valid requests, or fails with the
   * refusal to answer (already answered for an invalid body: the failure is then {@link Answered}).
   */
  Future<Prepared> valid(
      RoutingContext ctx,
      String model,
      long now,
      BiFunction<BodyDecoder, byte[], DecodedBody> decode) {
    byte[] body = bytes(ctx);
    return prepare(model, now, decoder -> decode.apply(decoder, body), body.length)
        .recover(e -> Future.failedFuture(decodeFailed(model, e)))
        .compose(prepared -> rejectInvalid(ctx, model, prepared).map(prepared));
  }

  private Future<Prepared> prepare(
      String model, long now, Function<BodyDecoder, DecodedBody> decode, int bodyBytes) {
    Callable<Prepared> work =
        () -> {
          DecodedBody decoded =
              decode.apply(
                  new BodyDecoder(
                      model,
                      config.maxTextBytes(),
                      config.maxItems(),
                      () -> UUID.randomUUID().toString()));
          List<RequestPublisher.Record> records =
              decoded.valid()
                  ? decoded.requests().stream()
                      .map(r -> new RequestPublisher.Record(r.id(), r.toBuffer().getBytes()))
                      .toList()
                  : decoded.rejections().stream()
                      .map(
                          r ->
                              new RequestPublisher.Record(
                                  r.id(),
                                  DeadLetter.of(
                                          r.id(),
                                          model,
                                          STAGE,
                                          r.reason(),
                                          r.message(),
                                          r.payload(),
                                          now)
                                      .toBuffer()
                                      .getBytes()))
                      .toList();
          return new Prepared(decoded, records);
        };
    if (bodyBytes > INLINE_DECODE_BYTES) {
      // Parsing and validating megabytes of JSON takes longer than the event loop may be held.
      return vertx.executeBlocking(work, false);
    }
    try {
      return Future.succeededFuture(work.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** Succeeds when every item is valid; otherwise answers 400 (after writing the dead letters) and fails. */
  private Future<Void> rejectInvalid(RoutingContext ctx, String model, Prepared prepared) {
    DecodedBody decoded = prepared.body();
    if (decoded.size() == 0) {
      count(model, INVALID, 1);
      invalid(
          ctx,
          new JsonObject()
              .put("error", ApiError.INVALID_REQUEST.code())
              .put("message", "the body holds no requests")
              .put("errors", new JsonArray()));
      return Future.failedFuture(new Answered());
    }
    if (decoded.valid()) {
      return Future.succeededFuture();
    }
    List<DecodedBody.Rejection> rejections = decoded.rejections();
    // The dead letters are records in flight too; without room for them, the caller retries later.
    if (!publisher.hasRoomFor(rejections.size())) {
      return Future.failedFuture(admission.overloaded(model, decoded.size()));
    }
    count(model, INVALID, decoded.size());
    JsonArray errors = new JsonArray();
    for (DecodedBody.Rejection r : rejections) {
      JsonObject error = new JsonObject().put("index", r.index());
      if (r.line() != null) {
        error.put("line", r.line());
      }
      errors.add(
          error.put("id", r.id()).put("reason", r.reason().code()).put("message", r.message()));
    }
    JsonObject answer =
        new JsonObject()
            .put("error", ApiError.INVALID_REQUEST.code())
            .put(
                "message",
                rejections.size()
                    + " of "
                    + decoded.size()
                    + " requests are invalid, so none was published: "
                    + rejections.get(0).message()
                    + (rejections.size() > 1 ? " (and more, see errors)" : ""))
            .put("errors", errors);
    return publisher
        .publish(Topics.DEAD_LETTERS, prepared.records())
        .transform(
            ar -> {
              if (ar.succeeded()) {
                rejections.forEach(
                    r -> IngestMetrics.DEAD_LETTERS.labels(model, STAGE, r.reason().code()).inc());
              } else {
                LOG.warn(
                    "Could not write the dead letters of {} invalid requests for model {} to {}: {}",
                    rejections.size(),
                    model,
                    Topics.DEAD_LETTERS,
                    ar.cause().getMessage());
              }
              invalid(ctx, answer);
              return Future.failedFuture(new Answered());
            });
  }

  private static Throwable decodeFailed(String model, Throwable e) {
    if (e instanceof TooManyItemsException) {
      count(model, TOO_LARGE, 1);
      return ApiError.PAYLOAD_TOO_LARGE.because(
          e.getMessage() + " (MAAS_INGEST_MAX_ITEMS); send fewer per call");
    }
    LOG.error(
        "Decoding a request body for model {} failed unexpectedly: {}", model, e.getMessage(), e);
    return ApiError.INTERNAL_ERROR.because("ingest failed to decode the body: " + e.getMessage());
  }

  /** 400 with every invalid item: the error body, with {@code errors} beside it. */
  private static void invalid(RoutingContext ctx, JsonObject body) {
    ctx.response()
        .setStatusCode(ApiError.INVALID_REQUEST.status())
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  private static byte[] bytes(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    return buffer == null ? new byte[0] : buffer.getBytes();
  }

  /** The call was answered already (400 with its items' errors): nothing more to send. */
  static final class Answered extends RuntimeException {
    Answered() {
      super("answered", null, false, false);
    }
  }

  /** Fails the call with {@code e}, unless it was answered already. */
  static void fail(RoutingContext ctx, Throwable e) {
    if (!(e instanceof Answered)) {
      ctx.fail(e);
    }
  }
}
