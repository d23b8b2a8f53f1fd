package io.maas.ingest.http;

import com.google.protobuf.Int64Value;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.maas.common.event.ModelDeployment;
import io.maas.common.http.ApiError;
import io.maas.ingest.core.Admission;
import io.maas.ingest.grpc.TfServingModels;
import io.maas.ingest.grpc.proto.GetModelMetadataResponse;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * TensorFlow Serving's REST model status and metadata, the twins of its gRPC {@code GetModelStatus}
 * and {@code GetModelMetadata} ({@link TfServingModels}), in the JSON TensorFlow Serving prints:
 * {@code GET /v1/models/{model}} and {@code /v1/models/{model}/versions/{v}} answer
 * {@code {"model_version_status":[{"version":"3","state":"AVAILABLE","status":{...}}]}},
 * {@code GET /v1/models/{model}/metadata} answers {@code {"model_spec":{...},"metadata":{"signature_def":{...}}}}.
 */
final class ModelsApi {

  private static final JsonFormat.Printer JSON =
      JsonFormat.printer()
          .preservingProtoFieldNames()
          .alwaysPrintFieldsWithNoPresence()
          .omittingInsignificantWhitespace();

  private final Admission admission;

  ModelsApi(Admission admission) {
    this.admission = admission;
  }

  void status(RoutingContext ctx) {
    ModelDeployment deployment = admitted(ctx);
    respond(ctx, TfServingModels.status(deployment, spec(ctx, deployment)));
  }

  void metadata(RoutingContext ctx) {
    ModelDeployment deployment = admitted(ctx);
    GetModelMetadataResponse metadata =
        TfServingModels.metadata(
            deployment, spec(ctx, deployment), List.of(TfServingModels.METADATA_FIELD));
    JsonObject body =
        new JsonObject()
            .put("model_spec", new JsonObject(print(metadata.getModelSpec())))
            .put(
                "metadata",
                new JsonObject()
                    .put(
                        TfServingModels.METADATA_FIELD,
                        new JsonObject(print(TfServingModels.signatures()))));
    ctx.json(body);
  }

  private ModelDeployment admitted(RoutingContext ctx) {
    String model = ctx.pathParam("model");
    admission.requireValidName(model);
    return admission.admit(model);
  }

  /** The version in the path, or none (then every deployed one, or production for metadata). */
  private static ModelSpec spec(RoutingContext ctx, ModelDeployment deployment) {
    ModelSpec.Builder spec = ModelSpec.newBuilder().setName(deployment.model());
    String version = ctx.pathParam("version");
    if (version != null) {
      try {
        spec.setVersion(Int64Value.of(Long.parseLong(version)));
      } catch (NumberFormatException e) {
        throw ApiError.INVALID_VERSION.because(
            "the version in the URL must be a whole number, got '" + version + "'");
      }
    }
    return spec.build();
  }

  private static void respond(RoutingContext ctx, MessageOrBuilder message) {
    ctx.response().putHeader("Content-Type", "application/json").end(print(message));
  }

  private static String print(MessageOrBuilder message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(
          "cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
