package io.maas.ingest.grpc;

import com.google.protobuf.Message;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.ModelDeployment;
import io.maas.common.http.ApiError;
import io.maas.common.http.ApiException;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.core.Admission;
import io.maas.ingest.core.Predictor;
import io.maas.ingest.grpc.proto.GetModelMetadataRequest;
import io.maas.ingest.grpc.proto.GetModelMetadataResponse;
import io.maas.ingest.grpc.proto.GetModelStatusRequest;
import io.maas.ingest.grpc.proto.GetModelStatusResponse;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.PredictRequest;
import io.maas.ingest.grpc.proto.PredictResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import io.vertx.grpc.server.GrpcServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorFlow Serving's gRPC API on {@code MAAS_GRPC_PORT} (8500), wire-compatible, so that its
 * clients switch to maas unchanged: {@code tensorflow.serving.PredictionService/Predict} and
 * {@code /GetModelMetadata}, {@code tensorflow.serving.ModelService/GetModelStatus}; other methods
 * answer {@code UNIMPLEMENTED}. {@code Predict} goes through Kafka like HTTP {@code :predict}
 * ({@link Predictor}): the same admission, back-pressure, batching and routing. A refusal is
 * TensorFlow Serving's status code for it ({@link #status(ApiError)}); nothing is published for a
 * refused call. Runs on the ingest verticle's event loop, like the HTTP API it shares state with.
 */
public final class TfServingGrpc {

  private static final Logger LOG = LoggerFactory.getLogger(TfServingGrpc.class);
  static final ServiceName PREDICTION_SERVICE =
      ServiceName.create("tensorflow.serving", "PredictionService");
  static final ServiceName MODEL_SERVICE = ServiceName.create("tensorflow.serving", "ModelService");
  private static final String SIGNATURE = TfServingModels.SIGNATURE;
  private static final String INPUT = TfServingModels.INPUT;

  /** What Predict can answer; {@code output_filter} picks among them. */
  private static final Set<String> OUTPUTS = TfServingModels.OUTPUTS;

  static final ServiceMethod<PredictRequest, PredictResponse> PREDICT =
      ServiceMethod.server(
          PREDICTION_SERVICE,
          "Predict",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(PredictRequest.newBuilder()));
  static final ServiceMethod<GetModelMetadataRequest, GetModelMetadataResponse> GET_MODEL_METADATA =
      ServiceMethod.server(
          PREDICTION_SERVICE,
          "GetModelMetadata",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(GetModelMetadataRequest.newBuilder()));
  static final ServiceMethod<GetModelStatusRequest, GetModelStatusResponse> GET_MODEL_STATUS =
      ServiceMethod.server(
          MODEL_SERVICE,
          "GetModelStatus",
          GrpcMessageEncoder.encoder(),
          GrpcMessageDecoder.decoder(GetModelStatusRequest.newBuilder()));

  private final IngestConfig config;
  private final Admission admission;
  private final Predictor predictor;

  public TfServingGrpc(IngestConfig config, Admission admission, Predictor predictor) {
    this.config = config;
    this.admission = admission;
    this.predictor = predictor;
  }

  /** The server to hand to an HTTP/2 server's request handler. */
  public GrpcServer server(Vertx vertx) {
    // a call whose client deadline passes is answered DEADLINE_EXCEEDED at once
    GrpcServer server =
        GrpcServer.server(
            vertx,
            new GrpcServerOptions()
                .setScheduleDeadlineAutomatically(true)
                .setMaxMessageSize(config.maxBodyBytes()));
    server.callHandler(PREDICT, call -> unary(call, this::predict));
    server.callHandler(GET_MODEL_METADATA, call -> unary(call, this::metadata));
    server.callHandler(GET_MODEL_STATUS, call -> unary(call, this::status));
    return server;
  }

  /** One request message, one answer: the handler's, or the status of what it threw or failed with. */
  private <Q, A extends Message> void unary(
      GrpcServerRequest<Q, A> call, BiFunction<GrpcServerRequest<Q, A>, Q, Future<A>> handler) {
    call.last()
        .compose(
            request -> {
              try {
                return handler.apply(call, request);
              } catch (RuntimeException e) {
                return Future.failedFuture(e);
              }
            })
        // a call cancelled meanwhile (its deadline passed, the client went) fails these writes:
        // nothing to do then
        .onSuccess(answer -> call.response().end(answer))
        .onFailure(e -> fail(call, e));
  }

  private void fail(GrpcServerRequest<?, ?> call, Throwable e) {
    GrpcStatus status;
    String message;
    if (e instanceof ApiException api) {
      status = status(api.error());
      message = api.getMessage();
    } else if (e instanceof IllegalArgumentException) {
      status = GrpcStatus.INVALID_ARGUMENT;
      message = e.getMessage();
    } else {
      LOG.error("gRPC {} failed: {}", call.fullMethodName(), e.toString(), e);
      status = GrpcStatus.INTERNAL;
      message = "the call failed: " + e.getMessage();
    }
    call.response().status(status).statusMessage(message).end();
  }

  /** TensorFlow Serving's gRPC status for what maas answers over HTTP with {@code error}. */
  static GrpcStatus status(ApiError error) {
    return switch (error.status()) {
      case 400 -> GrpcStatus.INVALID_ARGUMENT;
      case 401 -> GrpcStatus.UNAUTHENTICATED;
      case 404 -> GrpcStatus.NOT_FOUND;
      case 409 ->
          error == ApiError.DUPLICATE_ID
              ? GrpcStatus.ALREADY_EXISTS
              : GrpcStatus.FAILED_PRECONDITION;
      case 413, 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      case 501 -> GrpcStatus.UNIMPLEMENTED;
      case 503 -> GrpcStatus.UNAVAILABLE;
      case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
      default -> GrpcStatus.INTERNAL;
    };
  }

  private Future<PredictResponse> predict(
      GrpcServerRequest<PredictRequest, PredictResponse> call, PredictRequest request) {
    ModelSpec spec = request.getModelSpec();
    String model = spec.getName();
    ModelDeployment deployment = admit(call, model);
    requireSignature(spec);
    int version = TfServingModels.pinned(deployment, spec);
    if (!request.getInputsMap().keySet().equals(Set.of(INPUT))) {
      throw new IllegalArgumentException(
          "signature '"
              + SIGNATURE
              + "' takes one input, '"
              + INPUT
              + "' (a DT_STRING "
              + "tensor of shape [N]); got "
              + new TreeSet<>(request.getInputsMap().keySet()));
    }
    Set<String> outputs = new LinkedHashSet<>(request.getOutputFilterList());
    for (String output : outputs) {
      if (!OUTPUTS.contains(output)) {
        throw new IllegalArgumentException(
            "output_filter names '"
                + output
                + "'; signature '"
                + SIGNATURE
                + "' has outputs "
                + new TreeSet<>(OUTPUTS));
      }
    }
    List<String> texts = Tensors.texts(INPUT, request.getInputsMap().get(INPUT));
    if (texts.size() > config.maxItems()) {
      throw ApiError.PAYLOAD_TOO_LARGE.because(
          "input '"
              + INPUT
              + "' holds "
              + texts.size()
              + " texts, the limit is "
              + config.maxItems()
              + " (MAAS_INGEST_MAX_ITEMS); send fewer per call");
    }
    long now = System.currentTimeMillis();
    List<InferenceRequest> requests = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      int bytes = InferenceRequest.utf8Length(texts.get(i));
      if (bytes > config.maxTextBytes()) {
        throw new IllegalArgumentException(
            "text "
                + i
                + " of input '"
                + INPUT
                + "' is "
                + bytes
                + " bytes of UTF-8, the limit is "
                + config.maxTextBytes()
                + " (MAAS_MAX_TEXT_BYTES)");
      }
      requests.add(
          new InferenceRequest(
              UUID.randomUUID().toString(),
              model,
              texts.get(i),
              now,
              spec.hasVersion() || spec.hasVersionLabel() ? version : null,
              Map.of()));
    }
    return predictor
        .predict(model, requests)
        .map(results -> PredictResponses.of(model, results, outputs));
  }

  private Future<GetModelMetadataResponse> metadata(
      GrpcServerRequest<GetModelMetadataRequest, GetModelMetadataResponse> call,
      GetModelMetadataRequest request) {
    ModelSpec spec = request.getModelSpec();
    return Future.succeededFuture(
        TfServingModels.metadata(
            admit(call, spec.getName()), spec, request.getMetadataFieldList()));
  }

  private Future<GetModelStatusResponse> status(
      GrpcServerRequest<GetModelStatusRequest, GetModelStatusResponse> call,
      GetModelStatusRequest request) {
    ModelSpec spec = request.getModelSpec();
    return Future.succeededFuture(TfServingModels.status(admit(call, spec.getName()), spec));
  }

  /** The token, the model name, and a model with a production version, as for HTTP. */
  private ModelDeployment admit(GrpcServerRequest<?, ?> call, String model) {
    admission.authorize(model, call.headers().get("authorization"));
    admission.requireValidName(model);
    return admission.admit(model);
  }

  private static void requireSignature(ModelSpec spec) {
    String name = spec.getSignatureName();
    if (!name.isEmpty() && !TfServingModels.SIGNATURE.equals(name)) {
      throw new IllegalArgumentException(
          "signature '"
              + name
              + "' not found; maas models have '"
              + TfServingModels.SIGNATURE
              + "'");
    }
  }
}
