package io.maas.ingest.body;

import static io.maas.ingest.body.JsonText.describe;
import static io.maas.ingest.body.JsonText.firstLine;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.Names;
import io.maas.common.event.Reason;
import io.maas.common.io.Utf8;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.CharacterCodingException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Turns the body of an ingest call into a {@link DecodedBody} for one model: a JSON object or array of
 * objects, NDJSON, or TensorFlow Serving's {@code {"instances":[...]}}. Every item is checked, so
 * that a rejection lists all the invalid items at once. Pure and thread-safe: large bodies are
 * decoded on a worker thread.
 */
public final class BodyDecoder {

  private final String model;
  private final int maxTextBytes;
  private final int maxItems;
  private final Supplier<String> ids;

  /**
   * @param model        the model of the URL; items naming another model are refused
   * @param maxTextBytes the longest text, in bytes of UTF-8
   * @param maxItems     the most items one body may hold
   * @param ids          generates an id for an item without one
   */
  public BodyDecoder(String model, int maxTextBytes, int maxItems, Supplier<String> ids) {
    this.model = Names.requireModel(model);
    this.maxTextBytes = maxTextBytes;
    this.maxItems = maxItems;
    this.ids = ids;
  }

  /**
   * {@code application/json}: one request object, or an array of them.
   *
   * @param now the ingest clock, for items without {@code ingestedAt}
   * @throws TooManyItemsException when the array holds more than the limit
   */
  public DecodedBody json(byte[] body, long now) {
    ItemCollector out = collector(now);
    Object value = parse(body, out);
    if (value == null) {
      return out.decoded();
    }
    if (value instanceof JsonObject object) {
      out.item(0, null, object, () -> body);
    } else if (value instanceof JsonArray array) {
      if (array.size() > maxItems) {
        throw new TooManyItemsException(
            "the body holds " + array.size() + " requests, the limit is " + maxItems);
      }
      for (int i = 0; i < array.size(); i++) {
        Object element = array.getValue(i);
        if (element instanceof JsonObject object) {
          out.item(i, null, object, () -> Json.encodeToBuffer(element).getBytes());
        } else {
          out.reject(
              i,
              null,
              null,
              Reason.INVALID_JSON,
              "item " + i + " is not a JSON object",
              Json.encodeToBuffer(element).getBytes());
        }
      }
    } else {
      out.reject(
          0,
          null,
          null,
          Reason.INVALID_JSON,
          "the body must be a JSON object or an array of objects, got " + describe(value),
          body);
    }
    return out.decoded();
  }

  /**
   * {@code application/x-ndjson}: one request object per line; blank lines are skipped and do
   * not count as items. Each line is checked on its own, UTF-8 included.
   *
   * @throws TooManyItemsException when the body holds more lines than the limit
   */
  public DecodedBody ndjson(byte[] body, long now) {
    ItemCollector out = collector(now);
    int index = 0;
    int line = 0;
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      // '\n' never occurs inside a multi-byte UTF-8 sequence, so splitting bytes is safe.
      if (i < body.length && body[i] != '\n') {
        continue;
      }
      line++;
      int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
      if (!blank(body, start, end)) {
        if (index == maxItems) {
          throw new TooManyItemsException(
              "the body holds more than " + maxItems + " requests, the limit");
        }
        byte[] bytes = Arrays.copyOfRange(body, start, end);
        decodeLine(out, index, line, bytes);
        index++;
      }
      start = i + 1;
    }
    return out.decoded();
  }

  private void decodeLine(ItemCollector out, int index, int line, byte[] bytes) {
    String text;
    try {
      text = Utf8.strict(bytes);
    } catch (CharacterCodingException e) {
      out.reject(
          index, line, null, Reason.INVALID_UTF8, "line " + line + " is not valid UTF-8", bytes);
      return;
    }
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      out.reject(
          index,
          line,
          null,
          Reason.INVALID_JSON,
          "line " + line + " is not valid JSON: " + firstLine(e),
          bytes);
      return;
    }
    if (value instanceof JsonObject object) {
      out.item(index, line, object, () -> bytes);
    } else {
      out.reject(
          index,
          line,
          null,
          Reason.INVALID_JSON,
          "line " + line + " must be a JSON object, got " + describe(value),
          bytes);
    }
  }

  /**
   * TensorFlow Serving's row format: {@code {"instances":["text", ...]}} or
   * {@code {"instances":[{"text":"...","id":"..."}, ...]}}.
   *
   * @param version the version the URL pins, or null
   * @throws TooManyItemsException when there are more instances than the limit
   */
  public DecodedBody predict(byte[] body, Integer version, long now) {
    ItemCollector out = collector(now);
    Object value = parse(body, out);
    if (value == null) {
      return out.decoded();
    }
    if (!(value instanceof JsonObject object)) {
      out.reject(
          0,
          null,
          null,
          Reason.INVALID_JSON,
          "the body must be a JSON object {\"instances\":[...]}, got " + describe(value),
          body);
      return out.decoded();
    }
    Object instances = object.getValue("instances");
    if (!(instances instanceof JsonArray array)) {
      out.reject(
          0,
          null,
          null,
          instances == null ? Reason.MISSING_FIELD : Reason.INVALID_FIELD,
          "the body must hold an array 'instances' of texts or objects with 'text'",
          body);
      return out.decoded();
    }
    if (array.size() > maxItems) {
      throw new TooManyItemsException(
          "the body holds " + array.size() + " instances, the limit is " + maxItems);
    }
    for (int i = 0; i < array.size(); i++) {
      Object element = array.getValue(i);
      JsonObject instance;
      if (element instanceof String text) {
        instance = new JsonObject().put("text", text);
      } else if (element instanceof JsonObject o) {
        instance = o;
      } else {
        out.reject(
            i,
            null,
            null,
            Reason.INVALID_FIELD,
            "instance " + i + " must be a text or an object with 'text', got " + describe(element),
            Json.encodeToBuffer(element).getBytes());
        continue;
      }
      if (version != null) {
        Object pinned = instance.getValue("version");
        if (pinned == null) {
          instance.put("version", version);
        } else if (!(pinned instanceof Number n) || n.doubleValue() != version) {
          out.reject(
              i,
              null,
              ItemCollector.idOf(instance),
              Reason.INVALID_FIELD,
              "instance " + i + " pins version " + pinned + " but the URL pins version " + version,
              Json.encodeToBuffer(element).getBytes());
          continue;
        }
      }
      out.item(i, null, instance, () -> Json.encodeToBuffer(element).getBytes());
    }
    return out.decoded();
  }

  private ItemCollector collector(long now) {
    return new ItemCollector(new InferenceRequest.Defaults(model, ids, now, maxTextBytes));
  }

  /** The body as JSON, or null after recording why it is not. */
  private static Object parse(byte[] body, ItemCollector out) {
    String text;
    try {
      text = Utf8.strict(body);
    } catch (CharacterCodingException e) {
      out.reject(0, null, null, Reason.INVALID_UTF8, "the body is not valid UTF-8", body);
      return null;
    }
    try {
      Object value = Json.decodeValue(text);
      if (value == null) {
        out.reject(0, null, null, Reason.INVALID_JSON, "the body is empty or JSON null", body);
      }
      return value;
    } catch (DecodeException e) {
      out.reject(
          0, null, null, Reason.INVALID_JSON, "the body is not valid JSON: " + firstLine(e), body);
      return null;
    }
  }

  private static boolean blank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
