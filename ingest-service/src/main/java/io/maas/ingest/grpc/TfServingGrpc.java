package io.maas.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import com.google.protobuf.Message;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.http.ApiError;
import io.maas.common.http.ApiException;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.core.Admission;
import io.maas.ingest.core.Predictor;
import io.maas.ingest.grpc.proto.DataType;
import io.maas.ingest.grpc.proto.GetModelMetadataRequest;
import io.maas.ingest.grpc.proto.GetModelMetadataResponse;
import io.maas.ingest.grpc.proto.GetModelStatusRequest;
import io.maas.ingest.grpc.proto.GetModelStatusResponse;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.ModelVersionStatus;
import io.maas.ingest.grpc.proto.PredictRequest;
import io.maas.ingest.grpc.proto.PredictResponse;
import io.maas.ingest.grpc.proto.SignatureDef;
import io.maas.ingest.grpc.proto.SignatureDefMap;
import io.maas.ingest.grpc.proto.StatusProto;
import io.maas.ingest.grpc.proto.TensorInfo;
import io.maas.ingest.grpc.proto.TensorProto;
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
import java.util.function.Function;
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
  static final ServiceName PREDICTION_SERVICE = ServiceName.create("tensorflow.serving", "PredictionService");
  static final ServiceName MODEL_SERVICE = ServiceName.create("tensorflow.serving", "ModelService");
  static final String SIGNATURE = "serving_default";
  static final String INPUT = "text";
  /** What Predict can answer; {@code output_filter} picks among them. */
  static final Set<String> OUTPUTS = Set.of("probabilities", "label", "classes", "version");
  static final String METADATA_FIELD = "signature_def";

  static final ServiceMethod<PredictRequest, PredictResponse> PREDICT = ServiceMethod.server(PREDICTION_SERVICE,
      "Predict", GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(PredictRequest.newBuilder()));
  static final ServiceMethod<GetModelMetadataRequest, GetModelMetadataResponse> GET_MODEL_METADATA = ServiceMethod.server(
      PREDICTION_SERVICE, "GetModelMetadata", GrpcMessageEncoder.encoder(),
      GrpcMessageDecoder.decoder(GetModelMetadataRequest.newBuilder()));
  static final ServiceMethod<GetModelStatusRequest, GetModelStatusResponse> GET_MODEL_STATUS = ServiceMethod.server(
      MODEL_SERVICE, "GetModelStatus", GrpcMessageEncoder.encoder(),
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
    GrpcServer server = GrpcServer.server(vertx, new GrpcServerOptions().setScheduleDeadlineAutomatically(true)
        .setMaxMessageSize(config.maxBodyBytes()));
    server.callHandler(PREDICT, call -> unary(call, this::predict));
    server.callHandler(GET_MODEL_METADATA, call -> unary(call, this::metadata));
    server.callHandler(GET_MODEL_STATUS, call -> unary(call, this::status));
    return server;
  }

  /** One request message, one answer: the handler's, or the status of what it threw or failed with. */
  private <Q, A extends Message> void unary(GrpcServerRequest<Q, A> call,
      java.util.function.BiFunction<GrpcServerRequest<Q, A>, Q, io.vertx.core.Future<A>> handler) {
    call.last()
        .compose(request -> {
          try {
            return handler.apply(call, request);
          } catch (RuntimeException e) {
            return io.vertx.core.Future.failedFuture(e);
          }
        })
        // a call cancelled meanwhile (its deadline passed, the client went) fails these writes: nothing to do then
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
      case 409 -> error == ApiError.DUPLICATE_ID ? GrpcStatus.ALREADY_EXISTS : GrpcStatus.FAILED_PRECONDITION;
      case 413, 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
      case 501 -> GrpcStatus.UNIMPLEMENTED;
      case 503 -> GrpcStatus.UNAVAILABLE;
      case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
      default -> GrpcStatus.INTERNAL;
    };
  }

  private io.vertx.core.Future<PredictResponse> predict(GrpcServerRequest<PredictRequest, PredictResponse> call,
      PredictRequest request) {
    ModelSpec spec = request.getModelSpec();
    String model = spec.getName();
    ModelDeployment deployment = admit(call, model);
    requireSignature(spec);
    int version = pinned(deployment, spec);
    if (!request.getInputsMap().keySet().equals(Set.of(INPUT))) {
      throw new IllegalArgumentException("signature '" + SIGNATURE + "' takes one input, '" + INPUT + "' (a DT_STRING "
          + "tensor of shape [N]); got " + new TreeSet<>(request.getInputsMap().keySet()));
    }
    Set<String> outputs = new LinkedHashSet<>(request.getOutputFilterList());
    for (String output : outputs) {
      if (!OUTPUTS.contains(output)) {
        throw new IllegalArgumentException("output_filter names '" + output + "'; signature '" + SIGNATURE
            + "' has outputs " + new TreeSet<>(OUTPUTS));
      }
    }
    List<String> texts = Tensors.texts(INPUT, request.getInputsMap().get(INPUT));
    if (texts.size() > config.maxItems()) {
      throw ApiError.PAYLOAD_TOO_LARGE.because("input '" + INPUT + "' holds " + texts.size() + " texts, the limit is "
          + config.maxItems() + " (MAAS_INGEST_MAX_ITEMS); send fewer per call");
    }
    long now = System.currentTimeMillis();
    List<InferenceRequest> requests = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      int bytes = InferenceRequest.utf8Length(texts.get(i));
      if (bytes > config.maxTextBytes()) {
        throw new IllegalArgumentException("text " + i + " of input '" + INPUT + "' is " + bytes
            + " bytes of UTF-8, the limit is " + config.maxTextBytes() + " (MAAS_MAX_TEXT_BYTES)");
      }
      requests.add(new InferenceRequest(UUID.randomUUID().toString(), model, texts.get(i), now,
          spec.hasVersion() || spec.hasVersionLabel() ? version : null, Map.of()));
    }
    return predictor.predict(model, requests).map(results -> answer(model, results, outputs));
  }

  private static PredictResponse answer(String model, List<InferenceResult> results, Set<String> filter) {
    List<String> classes = List.copyOf(results.get(0).scores().keySet());
    float[][] probabilities = new float[results.size()][classes.size()];
    List<String> labels = new ArrayList<>(results.size());
    long[] versions = new long[results.size()];
    for (int i = 0; i < results.size(); i++) {
      InferenceResult result = results.get(i);
      for (int c = 0; c < classes.size(); c++) {
        Double score = result.scores().get(classes.get(c));
        probabilities[i][c] = score == null ? 0f : score.floatValue();
      }
      labels.add(result.label());
      versions[i] = result.version();
    }
    Map<String, TensorProto> outputs = Map.of(
        "probabilities", Tensors.floats(probabilities, classes.size()),
        "label", Tensors.strings(labels),
        "classes", Tensors.strings(classes),
        "version", Tensors.longs(versions));
    PredictResponse.Builder response = PredictResponse.newBuilder()
        // the version that answered the first text; "version" says it for each (a canary may answer some)
        .setModelSpec(ModelSpec.newBuilder().setName(model).setSignatureName(SIGNATURE)
            .setVersion(Int64Value.of(versions[0])));
    outputs.forEach((name, tensor) -> {
      if (filter.isEmpty() || filter.contains(name)) {
        response.putOutputs(name, tensor);
      }
    });
    return response.build();
  }

  private io.vertx.core.Future<GetModelMetadataResponse> metadata(
      GrpcServerRequest<GetModelMetadataRequest, GetModelMetadataResponse> call, GetModelMetadataRequest request) {
    ModelSpec spec = request.getModelSpec();
    ModelDeployment deployment = admit(call, spec.getName());
    int version = pinned(deployment, spec);
    if (request.getMetadataFieldCount() == 0) {
      throw new IllegalArgumentException("name at least one metadata_field; maas has '" + METADATA_FIELD + "'");
    }
    for (String field : request.getMetadataFieldList()) {
      if (!METADATA_FIELD.equals(field)) {
        throw new IllegalArgumentException("metadata_field '" + field + "' is not supported; maas has '"
            + METADATA_FIELD + "'");
      }
    }
    SignatureDef signature = SignatureDef.newBuilder()
        .setMethodName("tensorflow/serving/predict")
        .putInputs(INPUT, info("text:0", DataType.DT_STRING, -1))
        .putOutputs("probabilities", info("probabilities:0", DataType.DT_FLOAT, -1, -1))
        .putOutputs("label", info("label:0", DataType.DT_STRING, -1))
        .putOutputs("classes", info("classes:0", DataType.DT_STRING, -1))
        .putOutputs("version", info("version:0", DataType.DT_INT64, -1))
        .build();
    return io.vertx.core.Future.succeededFuture(GetModelMetadataResponse.newBuilder()
        .setModelSpec(ModelSpec.newBuilder().setName(spec.getName()).setVersion(Int64Value.of(version)))
        .putMetadata(METADATA_FIELD, Any.pack(SignatureDefMap.newBuilder().putSignatureDef(SIGNATURE, signature).build()))
        .build());
  }

  private static TensorInfo info(String name, DataType type, long... dims) {
    return TensorInfo.newBuilder().setName(name).setDtype(type).setTensorShape(Tensors.shape(dims)).build();
  }

  /**
   * The versions of the model's current deployment, AVAILABLE: what {@code maas.models} wants
   * served. Whether an inference instance has loaded one yet is its own {@code GET /v1/status}.
   */
  private io.vertx.core.Future<GetModelStatusResponse> status(
      GrpcServerRequest<GetModelStatusRequest, GetModelStatusResponse> call, GetModelStatusRequest request) {
    ModelSpec spec = request.getModelSpec();
    ModelDeployment deployment = admit(call, spec.getName());
    Set<Integer> versions = new TreeSet<>(deployed(deployment));
    if (spec.hasVersion() || spec.hasVersionLabel()) {
      versions = Set.of(pinned(deployment, spec));
    }
    GetModelStatusResponse.Builder response = GetModelStatusResponse.newBuilder();
    for (int version : versions) {
      response.addModelVersionStatus(ModelVersionStatus.newBuilder().setVersion(version)
          .setState(ModelVersionStatus.State.AVAILABLE).setStatus(StatusProto.getDefaultInstance()));
    }
    return io.vertx.core.Future.succeededFuture(response.build());
  }

  /** The token, the model name, and a model with a production version, as for HTTP. */
  private ModelDeployment admit(GrpcServerRequest<?, ?> call, String model) {
    admission.authorize(model, call.headers().get("authorization"));
    admission.requireValidName(model);
    return admission.admit(model);
  }

  private static void requireSignature(ModelSpec spec) {
    String name = spec.getSignatureName();
    if (!name.isEmpty() && !SIGNATURE.equals(name)) {
      throw new IllegalArgumentException("signature '" + name + "' not found; maas models have '" + SIGNATURE + "'");
    }
  }

  /**
   * The version the spec names ({@code version}, or {@code version_label} "production" or
   * "canary"), which must be deployed; without either, the production version.
   */
  static int pinned(ModelDeployment deployment, ModelSpec spec) {
    String model = deployment.model();
    if (spec.hasVersion()) {
      long version = spec.getVersion().getValue();
      if (!deployed(deployment).contains((int) version) || version != (int) version) {
        throw ApiError.VERSION_NOT_FOUND.because("model '" + model + "' has no version " + version + " deployed; "
            + "deployed: " + new TreeSet<>(deployed(deployment)));
      }
      return (int) version;
    }
    if (spec.hasVersionLabel()) {
      Function<ModelDeployment, ModelDeployment.Slot> slot = switch (spec.getVersionLabel()) {
        case "production" -> ModelDeployment::production;
        case "canary" -> ModelDeployment::canary;
        default -> throw ApiError.VERSION_NOT_FOUND.because("version_label '" + spec.getVersionLabel()
            + "' is not one of maas's: production, canary");
      };
      ModelDeployment.Slot labelled = slot.apply(deployment);
      if (labelled == null) {
        throw ApiError.VERSION_NOT_FOUND.because("model '" + model + "' has no " + spec.getVersionLabel() + " version");
      }
      return labelled.version();
    }
    return deployment.production().version();
  }

  private static Set<Integer> deployed(ModelDeployment deployment) {
    Set<Integer> versions = new LinkedHashSet<>();
    for (ModelDeployment.Slot slot : new ModelDeployment.Slot[] {deployment.production(), deployment.canary(),
        deployment.shadow()}) {
      if (slot != null) {
        versions.add(slot.version());
      }
    }
    return versions;
  }
}
