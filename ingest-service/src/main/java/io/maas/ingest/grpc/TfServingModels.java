package io.maas.ingest.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.Int64Value;
import io.maas.common.event.ModelDeployment;
import io.maas.common.http.ApiError;
import io.maas.ingest.grpc.proto.DataType;
import io.maas.ingest.grpc.proto.GetModelMetadataResponse;
import io.maas.ingest.grpc.proto.GetModelStatusResponse;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.ModelVersionStatus;
import io.maas.ingest.grpc.proto.SignatureDef;
import io.maas.ingest.grpc.proto.SignatureDefMap;
import io.maas.ingest.grpc.proto.StatusProto;
import io.maas.ingest.grpc.proto.TensorInfo;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A model as TensorFlow Serving describes it, from its deployment on {@code maas.models}: the
 * versions' status, the {@code serving_default} signature, and which version a {@link ModelSpec}
 * names. Shared by the gRPC methods and their REST twins ({@code GET /v1/models/{model}[/versions/{v}]},
 * {@code /metadata}). Pure; a refusal is an {@link io.maas.common.http.ApiException} or an
 * {@link IllegalArgumentException} (invalid argument).
 */
public final class TfServingModels {

  public static final String SIGNATURE = "serving_default";
  static final String INPUT = "text";

  /** What Predict can answer; {@code output_filter} picks among them. */
  static final Set<String> OUTPUTS = Set.of("probabilities", "label", "classes", "version");

  public static final String METADATA_FIELD = "signature_def";

  private TfServingModels() {}

  /**
   * The versions of the model's current deployment (or the one the spec names), AVAILABLE: what
   * {@code maas.models} wants served. Whether an inference instance has loaded one yet is that
   * instance's {@code GET /v1/status}.
   */
  public static GetModelStatusResponse status(ModelDeployment deployment, ModelSpec spec) {
    Set<Integer> versions =
        spec.hasVersion() || spec.hasVersionLabel()
            ? Set.of(pinned(deployment, spec))
            : new TreeSet<>(deployed(deployment));
    GetModelStatusResponse.Builder response = GetModelStatusResponse.newBuilder();
    for (int version : versions) {
      response.addModelVersionStatus(
          ModelVersionStatus.newBuilder()
              .setVersion(version)
              .setState(ModelVersionStatus.State.AVAILABLE)
              .setStatus(StatusProto.getDefaultInstance()));
    }
    return response.build();
  }

  /** The signature of the version the spec names (every maas model has the same one). */
  public static GetModelMetadataResponse metadata(
      ModelDeployment deployment, ModelSpec spec, List<String> fields) {
    int version = pinned(deployment, spec);
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(
          "name at least one metadata_field; maas has '" + METADATA_FIELD + "'");
    }
    for (String field : fields) {
      if (!METADATA_FIELD.equals(field)) {
        throw new IllegalArgumentException(
            "metadata_field '" + field + "' is not supported; maas has '" + METADATA_FIELD + "'");
      }
    }
    return GetModelMetadataResponse.newBuilder()
        .setModelSpec(
            ModelSpec.newBuilder().setName(deployment.model()).setVersion(Int64Value.of(version)))
        .putMetadata(METADATA_FIELD, Any.pack(signatures()))
        .build();
  }

  /** {@code serving_default}: one input, {@code text}, and the outputs Predict answers; -1 where the size varies. */
  public static SignatureDefMap signatures() {
    SignatureDef signature =
        SignatureDef.newBuilder()
            .setMethodName("tensorflow/serving/predict")
            .putInputs(INPUT, info("text:0", DataType.DT_STRING, -1))
            .putOutputs("probabilities", info("probabilities:0", DataType.DT_FLOAT, -1, -1))
            .putOutputs("label", info("label:0", DataType.DT_STRING, -1))
            .putOutputs("classes", info("classes:0", DataType.DT_STRING, -1))
            .putOutputs("version", info("version:0", DataType.DT_INT64, -1))
            .build();
    return SignatureDefMap.newBuilder().putSignatureDef(SIGNATURE, signature).build();
  }

  private static TensorInfo info(String name, DataType type, long... dims) {
    return TensorInfo.newBuilder()
        .setName(name)
        .setDtype(type)
        .setTensorShape(Tensors.shape(dims))
        .build();
  }

  /**
   * The version the spec names ({@code version}, or {@code version_label} "production" or
   * "canary"), which must be deployed; without either, the production version.
   */
  public static int pinned(ModelDeployment deployment, ModelSpec spec) {
    String model = deployment.model();
    if (spec.hasVersion()) {
      long version = spec.getVersion().getValue();
      if (version != (int) version || !deployed(deployment).contains((int) version)) {
        throw ApiError.VERSION_NOT_FOUND.because(
            "model '"
                + model
                + "' has no version "
                + version
                + " deployed; "
                + "deployed: "
                + new TreeSet<>(deployed(deployment)));
      }
      return (int) version;
    }
    if (spec.hasVersionLabel()) {
      Function<ModelDeployment, ModelDeployment.Slot> slot =
          switch (spec.getVersionLabel()) {
            case "production" -> ModelDeployment::production;
            case "canary" -> ModelDeployment::canary;
            default ->
                throw ApiError.VERSION_NOT_FOUND.because(
                    "version_label '"
                        + spec.getVersionLabel()
                        + "' is not one of maas's: production, canary");
          };
      ModelDeployment.Slot labelled = slot.apply(deployment);
      if (labelled == null) {
        throw ApiError.VERSION_NOT_FOUND.because(
            "model '" + model + "' has no " + spec.getVersionLabel() + " version");
      }
      return labelled.version();
    }
    return deployment.production().version();
  }

  private static Set<Integer> deployed(ModelDeployment deployment) {
    Set<Integer> versions = new LinkedHashSet<>();
    for (ModelDeployment.Slot slot :
        new ModelDeployment.Slot[] {
          deployment.production(), deployment.canary(), deployment.shadow()
        }) {
      if (slot != null) {
        versions.add(slot.version());
      }
    }
    return versions;
  }
}
