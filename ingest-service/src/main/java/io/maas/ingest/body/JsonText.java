package io.maas.ingest.body;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.util.Locale;

/**
 * The words a rejection uses for what it found in a body (a JSON value's kind, the first line of a
 * parser's complaint). Pure.
 */
final class JsonText {

  private JsonText() {}

  /** What a JSON value is, for a client: "an array", "a string", "a number", "a boolean", "null". */
  static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof String) {
      return "a string";
    }
    return value instanceof Number
        ? "a number"
        : "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }

  static String firstLine(DecodeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
