package io.maas.common.event;

import io.maas.common.io.Utf8;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed field access with the error codes of {@link Reason}; shared by the event codecs. */
final class JsonFields {

  private JsonFields() {}

  /** Strict UTF-8 decoding, then a JSON object. */
  static JsonObject parseObject(byte[] bytes) {
    String text = utf8(bytes);
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new EventException(Reason.INVALID_JSON, "not valid JSON: " + firstLine(e.getMessage()));
    }
    if (value instanceof JsonObject object) {
      return object;
    }
    throw new EventException(
        Reason.INVALID_JSON,
        "expected a JSON object, got "
            + (value instanceof JsonArray ? "an array" : String.valueOf(value)));
  }

  static String utf8(byte[] bytes) {
    try {
      return Utf8.strict(bytes);
    } catch (CharacterCodingException e) {
      throw new EventException(Reason.INVALID_UTF8, "the payload is not valid UTF-8");
    }
  }

  static String requireString(JsonObject json, String field) {
    String value = optionalString(json, field);
    if (value == null) {
      throw new EventException(Reason.MISSING_FIELD, "field '" + field + "' is required");
    }
    return value;
  }

  static String optionalString(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    throw new EventException(Reason.INVALID_FIELD, "field '" + field + "' must be a string");
  }

  static Long optionalLong(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new EventException(Reason.INVALID_FIELD, "field '" + field + "' must be a whole number");
  }

  static long requireLong(JsonObject json, String field) {
    Long value = optionalLong(json, field);
    if (value == null) {
      throw new EventException(Reason.MISSING_FIELD, "field '" + field + "' is required");
    }
    return value;
  }

  static int requirePositiveInt(JsonObject json, String field) {
    long value = requireLong(json, field);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new EventException(
          Reason.INVALID_FIELD, "field '" + field + "' must be a positive whole number");
    }
    return (int) value;
  }

  static JsonObject optionalObject(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    throw new EventException(Reason.INVALID_FIELD, "field '" + field + "' must be an object");
  }

  static Map<String, String> stringMap(JsonObject json, String field) {
    JsonObject object = optionalObject(json, field);
    Map<String, String> map = new LinkedHashMap<>();
    if (object != null) {
      for (Map.Entry<String, Object> e : object) {
        if (!(e.getValue() instanceof String s)) {
          throw new EventException(
              Reason.INVALID_FIELD, "field '" + field + "." + e.getKey() + "' must be a string");
        }
        map.put(e.getKey(), s);
      }
    }
    return map;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
