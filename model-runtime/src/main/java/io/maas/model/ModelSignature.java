package io.maas.model;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * The contract's serving signature, read from {@code saved_model.pb} without loading the
 * model: tag {@code serve}, signature {@code serving_default} taking a string {@code text} of
 * shape [-1] and returning float {@code probabilities} [-1, classes] and (optionally)
 * {@code label}. Reason codes: {@code missing_saved_model}, {@code invalid_signature}.
 *
 * @param classes the class count the signature declares, or -1 when its shape leaves it open
 */
public record ModelSignature(int classes, boolean hasLabel, String labelType) {

  public static final String TAG = "serve";
  public static final String KEY = "serving_default";

  public static ModelSignature read(Path savedModelDir) {
    Path pb = savedModelDir.resolve("saved_model.pb");
    if (!Files.isRegularFile(pb)) {
      throw new ModelException(
          "missing_saved_model", "the archive has no saved_model.pb at its root");
    }
    SavedModel saved;
    try (InputStream in = Files.newInputStream(pb)) {
      saved = SavedModel.parseFrom(in);
    } catch (IOException e) {
      throw new ModelException(
          "missing_saved_model", "saved_model.pb is not a SavedModel: " + e.getMessage(), e);
    }
    MetaGraphDef graph =
        saved.getMetaGraphsList().stream()
            .filter(g -> g.getMetaInfoDef().getTagsList().contains(TAG))
            .findFirst()
            .orElseThrow(() -> invalid("the SavedModel has no meta graph tagged 'serve'"));
    SignatureDef signature = graph.getSignatureDefMap().get(KEY);
    if (signature == null) {
      throw invalid(
          "the SavedModel has no '"
              + KEY
              + "' signature (it has "
              + graph.getSignatureDefMap().keySet()
              + ")");
    }
    TensorInfo text = signature.getInputsMap().get("text");
    if (text == null || signature.getInputsCount() != 1) {
      throw invalid(
          "'"
              + KEY
              + "' must take exactly one input named 'text', it takes "
              + signature.getInputsMap().keySet());
    }
    if (text.getDtype() != DataType.DT_STRING || !dims(text).equals(List.of(-1L))) {
      throw invalid("input 'text' must be a string tensor of shape [-1], it is " + describe(text));
    }
    TensorInfo probabilities = signature.getOutputsMap().get("probabilities");
    if (probabilities == null) {
      throw invalid(
          "'"
              + KEY
              + "' must return 'probabilities', it returns "
              + signature.getOutputsMap().keySet());
    }
    List<Long> shape = dims(probabilities);
    if (probabilities.getDtype() != DataType.DT_FLOAT || shape.size() != 2 || shape.get(0) != -1) {
      throw invalid(
          "output 'probabilities' must be a float tensor of shape [-1, classes], it is "
              + describe(probabilities));
    }
    TensorInfo label = signature.getOutputsMap().get("label");
    if (label != null
        && label.getDtype() != DataType.DT_INT64
        && label.getDtype() != DataType.DT_STRING) {
      throw invalid("output 'label' must be int64 or string, it is " + describe(label));
    }
    return new ModelSignature(
        shape.get(1).intValue(),
        label != null,
        label == null ? null : label.getDtype() == DataType.DT_INT64 ? "int64" : "string");
  }

  public JsonObject toJson() {
    JsonObject outputs = new JsonObject().put("probabilities", "float [-1, " + classes + "]");
    if (hasLabel) {
      outputs.put("label", labelType + " [-1]");
    }
    return new JsonObject()
        .put("name", KEY)
        .put("inputs", new JsonObject().put("text", "string [-1]"))
        .put("outputs", outputs);
  }

  private static List<Long> dims(TensorInfo info) {
    TensorShapeProto shape = info.getTensorShape();
    return shape.getUnknownRank()
        ? List.of()
        : shape.getDimList().stream().map(TensorShapeProto.Dim::getSize).toList();
  }

  private static String describe(TensorInfo info) {
    return info.getDtype().name().replace("DT_", "").toLowerCase() + " " + dims(info);
  }

  private static ModelException invalid(String message) {
    return new ModelException("invalid_signature", message);
  }
}
