package io.maas.ingest.grpc;

import com.google.protobuf.Int64Value;
import io.maas.common.event.InferenceResult;
import io.maas.ingest.grpc.proto.ModelSpec;
import io.maas.ingest.grpc.proto.PredictResponse;
import io.maas.ingest.grpc.proto.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code PredictResponse} for the results of one {@code Predict} call, in text order, as
 * TensorFlow Serving's {@code serving_default} signature answers: {@code probabilities} [N,
 * classes], {@code label} [N], {@code classes} [classes] and {@code version} [N], those the
 * {@code output_filter} names (all when it names none). Pure.
 */
final class PredictResponses {

  private PredictResponses() {}

  static PredictResponse of(String model, List<InferenceResult> results, Set<String> filter) {
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
    Map<String, TensorProto> outputs =
        Map.of(
            "probabilities", Tensors.floats(probabilities, classes.size()),
            "label", Tensors.strings(labels),
            "classes", Tensors.strings(classes),
            "version", Tensors.longs(versions));
    PredictResponse.Builder response =
        PredictResponse.newBuilder()
            // the version that answered the first text; "version"
            // says it for each (a canary may answer some)
            .setModelSpec(
                ModelSpec.newBuilder()
                    .setName(model)
                    .setSignatureName(TfServingModels.SIGNATURE)
                    .setVersion(Int64Value.of(versions[0])));
    outputs.forEach(
        (name, tensor) -> {
          if (filter.isEmpty() || filter.contains(name)) {
            response.putOutputs(name, tensor);
          }
        });
    return response.build();
  }
}
