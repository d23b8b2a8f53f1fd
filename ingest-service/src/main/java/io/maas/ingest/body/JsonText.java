package io.maas.ingest.body;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reading a body's bytes as text, strictly: UTF-8 that refuses malformed input rather than
 * replacing it, and the words a rejection uses for what it found (a JSON value's kind, the first
 * line of a parser's complaint). Pure.
 */
final class JsonText {

  private JsonText() {}

  static String utf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

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
