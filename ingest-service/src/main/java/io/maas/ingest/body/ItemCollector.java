package io.maas.ingest.body;

import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.Names;
import io.maas.common.event.Reason;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Gathers the items of one body into a {@link DecodedBody}: an object that is a valid request
 * becomes one, anything else a {@link DecodedBody.Rejection} with its reason, position and original
 * bytes. One per body, used by the thread that decodes it.
 */
final class ItemCollector {

  private final InferenceRequest.Defaults defaults;
  private final List<InferenceRequest> requests = new ArrayList<>();
  private final List<DecodedBody.Rejection> rejections = new ArrayList<>();

  /** @param defaults the model of the URL, the id generator, the ingest clock and the text limit */
  ItemCollector(InferenceRequest.Defaults defaults) {
    this.defaults = defaults;
  }

  /** Item {@code index} (NDJSON: on {@code line}) as a request, or rejected with its original bytes. */
  void item(int index, Integer line, JsonObject json, Supplier<byte[]> original) {
    try {
      requests.add(InferenceRequest.fromJson(json, defaults));
    } catch (EventException e) {
      reject(
          index,
          line,
          idOf(json),
          e.reason(),
          prefix(index, line) + e.getMessage(),
          original.get());
    }
  }

  void reject(int index, Integer line, String id, Reason reason, String message, byte[] payload) {
    rejections.add(new DecodedBody.Rejection(index, line, id, reason, message, payload));
  }

  DecodedBody decoded() {
    return new DecodedBody(requests, rejections);
  }

  /** The item's own request id when it has a valid one, else null. */
  static String idOf(JsonObject json) {
    Object id = json.getValue("id");
    return id instanceof String s && Names.isValidRequestId(s) ? s : null;
  }

  private static String prefix(int index, Integer line) {
    return line != null ? "line " + line + ": " : "item " + index + ": ";
  }
}
