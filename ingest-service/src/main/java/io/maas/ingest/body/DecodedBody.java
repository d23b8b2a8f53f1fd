package io.maas.ingest.body;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.Reason;
import java.util.List;

/**
 * What one HTTP body holds, decoded all or nothing: either every item became a request
 * ({@link #valid()}), or {@link #rejections()} names each item that did not.
 *
 * @param requests   the valid items as requests, in body order; publish them only when the body is {@link #valid()}
 * @param rejections every invalid item, in body order
 */
public record DecodedBody(List<InferenceRequest> requests, List<Rejection> rejections) {

  public DecodedBody {
    requests = List.copyOf(requests);
    rejections = List.copyOf(rejections);
  }

  /**
   * One invalid item.
   *
   * @param index   the item's position among the body's items (0-based; an unreadable body is item 0)
   * @param line    the 1-based line of an NDJSON item, else null
   * @param id      the item's own request id when it has a valid one, else null
   * @param reason  the stable code, as in dead letters
   * @param message a sentence for the client
   * @param payload the item's original bytes (the whole body when it could not be split into items)
   */
  public record Rejection(
      int index, Integer line, String id, Reason reason, String message, byte[] payload) {}

  /** Every item is a valid request (and there is at least one). */
  public boolean valid() {
    return rejections.isEmpty() && !requests.isEmpty();
  }

  /** How many items the body held: requests and rejections together. */
  public int size() {
    return requests.size() + rejections.size();
  }
}
