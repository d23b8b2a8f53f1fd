package io.maas.ingest.grpc;

import com.google.protobuf.ByteString;
import io.maas.ingest.grpc.proto.DataType;
import io.maas.ingest.grpc.proto.TensorProto;
import io.maas.ingest.grpc.proto.TensorShapeProto;
import java.util.ArrayList;
import java.util.List;

/**
 * TensorFlow's {@code TensorProto} for what maas reads and writes: the input {@code text}, a
 * {@code DT_STRING} tensor of shape [N] (or a scalar, one text), and the outputs, floats [N,
 * classes], strings [N] and int64s [N]. Pure: a refusal is an {@link IllegalArgumentException}
 * whose message the caller gets with {@code INVALID_ARGUMENT}.
 */
final class Tensors {

  private Tensors() {}

  /** The texts of a string tensor of rank 0 or 1, each valid UTF-8. */
  static List<String> texts(String name, TensorProto tensor) {
    if (tensor.getDtype() != DataType.DT_STRING) {
      throw new IllegalArgumentException(
          "input '" + name + "' must be a DT_STRING tensor, got " + tensor.getDtype());
    }
    if (!tensor.getTensorContent().isEmpty()) {
      throw new IllegalArgumentException(
          "input '" + name + "' must carry its texts in string_val, not tensor_content");
    }
    int n = tensor.getStringValCount();
    TensorShapeProto shape = tensor.getTensorShape();
    if (shape.getUnknownRank() || shape.getDimCount() > 1) {
      throw new IllegalArgumentException(
          "input '"
              + name
              + "' must have shape [N] (one text per instance), got "
              + describe(shape));
    }
    long expected = shape.getDimCount() == 0 ? 1 : shape.getDim(0).getSize();
    if (expected != n) {
      throw new IllegalArgumentException(
          "input '"
              + name
              + "' has shape "
              + describe(shape)
              + " but holds "
              + n
              + " texts in string_val");
    }
    if (n == 0) {
      throw new IllegalArgumentException("input '" + name + "' holds no texts");
    }
    List<String> texts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      texts.add(utf8(name, i, tensor.getStringVal(i)));
    }
    return texts;
  }

  private static String utf8(String name, int index, ByteString bytes) {
    if (!bytes.isValidUtf8()) {
      throw new IllegalArgumentException(
          "text " + index + " of input '" + name + "' is not valid UTF-8");
    }
    return bytes.toStringUtf8();
  }

  /** A {@code DT_FLOAT} tensor of shape [rows, columns], row by row. */
  static TensorProto floats(float[][] rows, int columns) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder()
            .setDtype(DataType.DT_FLOAT)
            .setTensorShape(shape(rows.length, columns));
    for (float[] row : rows) {
      for (float value : row) {
        tensor.addFloatVal(value);
      }
    }
    return tensor.build();
  }

  /** A {@code DT_STRING} tensor of shape [n]. */
  static TensorProto strings(List<String> values) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder().setDtype(DataType.DT_STRING).setTensorShape(shape(values.size()));
    values.forEach(value -> tensor.addStringVal(ByteString.copyFromUtf8(value)));
    return tensor.build();
  }

  /** A {@code DT_INT64} tensor of shape [n]. */
  static TensorProto longs(long[] values) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(shape(values.length));
    for (long value : values) {
      tensor.addInt64Val(value);
    }
    return tensor.build();
  }

  static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long dim : dims) {
      shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(dim));
    }
    return shape.build();
  }

  static String describe(TensorShapeProto shape) {
    if (shape.getUnknownRank()) {
      return "of unknown rank";
    }
    List<String> dims = shape.getDimList().stream().map(d -> String.valueOf(d.getSize())).toList();
    return "[" + String.join(", ", dims) + "]";
  }
}
