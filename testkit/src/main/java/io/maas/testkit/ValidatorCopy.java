package io.maas.testkit;

import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.MediaType;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A service's OpenAPI document as {@code vertx-openapi} 5.0.7 can read it, for the validator of
 * {@link ApiContract} only (what the service serves stays plain OpenAPI 3.1):
 * <ul>
 *   <li>a path segment with a custom-method suffix ({@code /v1/models/{model}:predict}, TensorFlow
 *   Serving's style) is refused there ("curly brace must be the first/last character"), so the
 *   suffix becomes a segment of its own, in the document and in the paths checked alike;</li>
 *   <li>media types outside its list (JSON, multipart, octet-stream, text/plain: not
 *   {@code application/gzip}, {@code text/event-stream}, Prometheus' text format) are taken out.</li>
 * </ul>
 */
final class ValidatorCopy {

  private static final Pattern CUSTOM_METHOD = Pattern.compile("}:([A-Za-z]+)(/|$)");

  private ValidatorCopy() {}

  /** The validator's copy of {@code document}. */
  static JsonObject of(JsonObject document) {
    JsonObject copy = document.copy();
    JsonObject paths = new JsonObject();
    copy.getJsonObject("paths")
        .forEach(
            path -> {
              JsonObject item = (JsonObject) path.getValue();
              item.forEach(
                  entry -> {
                    if (entry.getValue() instanceof JsonObject operation
                        && operation.containsKey("responses")) {
                      JsonObject body = operation.getJsonObject("requestBody");
                      if (body != null && !withSupportedMedia(body)) {
                        operation.remove("requestBody");
                      }
                      operation
                          .getJsonObject("responses")
                          .forEach(
                              response -> withSupportedMedia((JsonObject) response.getValue()));
                    }
                  });
              paths.put(path(path.getKey()), item);
            });
    copy.put("paths", paths);
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    for (String kind : List.of("responses", "requestBodies")) {
      components
          .getJsonObject(kind, new JsonObject())
          .forEach(entry -> withSupportedMedia((JsonObject) entry.getValue()));
    }
    return copy;
  }

  /** {@code /v1/models/{model}:predict} and {@code /v1/models/spam:predict} become {@code .../{model}/:predict}, {@code .../spam/:predict}. */
  static String path(String path) {
    return CUSTOM_METHOD
        .matcher(path)
        .replaceAll("}/:$1$2")
        .replaceAll("([^/}]):([A-Za-z]+)$", "$1/:$2");
  }

  /**
   * Drops, in place, the media types vertx-openapi does not read from a response's or a request
   * body's {@code content}; false when none is left (a {@code $ref} is left as it is).
   */
  private static boolean withSupportedMedia(JsonObject node) {
    JsonObject content = node.getJsonObject("content");
    if (content == null) {
      return node.containsKey("$ref");
    }
    content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
    if (content.isEmpty()) {
      node.remove("content");
      return false;
    }
    return true;
  }
}
