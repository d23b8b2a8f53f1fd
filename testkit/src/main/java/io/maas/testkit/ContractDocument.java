package io.maas.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A service's OpenAPI document read as written, without the validator, for {@link ApiContract}:
 * the responses its operations declare ({@code $ref}s inside the document resolved), the routes
 * its paths describe, and the error codes it lists.
 */
final class ContractDocument {

  private static final Pattern PARAMETER = Pattern.compile("\\{[^}/]+}|:[A-Za-z_][A-Za-z0-9_]*");

  private final JsonObject document;

  /** The document's operations by id, as written (before adaptation). */
  private final Map<String, JsonObject> operations = new HashMap<>();

  ContractDocument(JsonObject document) {
    this.document = document;
    for (JsonObject operation : allOperations(document)) {
      if (operation.containsKey("operationId")) {
        operations.put(operation.getString("operationId"), operation);
      }
    }
  }

  /**
   * The routes ({@code "METHOD /path/:param"}, or with {@code {param}} templates) that have no
   * operation in the document; routes to a tree of static files ({@code /*}) are left out.
   */
  List<String> undescribed(Collection<String> routes) {
    Map<String, String> described = new HashMap<>();
    document
        .getJsonObject("paths")
        .forEach(
            path ->
                ((JsonObject) path.getValue())
                    .fieldNames()
                    .forEach(
                        method ->
                            described.put(
                                method.toUpperCase(Locale.ROOT) + " " + shape(path.getKey()),
                                path.getKey())));
    List<String> missing = new ArrayList<>();
    for (String route : routes) {
      String[] parts = route.split(" ", 2);
      if (parts.length < 2 || parts[1].contains("*")) {
        continue;
      }
      if (!described.containsKey(parts[0] + " " + shape(parts[1]))) {
        missing.add(route);
      }
    }
    return missing;
  }

  /** Every operation of every path, as written (the path's other members left out). */
  private static List<JsonObject> allOperations(JsonObject document) {
    List<JsonObject> all = new ArrayList<>();
    for (Map.Entry<String, Object> path : document.getJsonObject("paths")) {
      for (Map.Entry<String, Object> member : (JsonObject) path.getValue()) {
        if (member.getValue() instanceof JsonObject operation) {
          all.add(operation);
        }
      }
    }
    return all;
  }

  /** The {@code enum} of {@code error} in each JSON response's schema, by status. */
  Map<Integer, Set<String>> errorCodes() {
    Map<Integer, Set<String>> codes = new TreeMap<>();
    for (JsonObject operation : allOperations(document)) {
      for (Map.Entry<String, Object> response :
          operation.getJsonObject("responses", new JsonObject())) {
        JsonObject error =
            resolved((JsonObject) response.getValue())
                .getJsonObject("content", new JsonObject())
                .getJsonObject("application/json", new JsonObject())
                .getJsonObject("schema", new JsonObject())
                .getJsonObject("properties", new JsonObject())
                .getJsonObject("error", new JsonObject());
        for (Object code : error.getJsonArray("enum", new JsonArray())) {
          codes
              .computeIfAbsent(Integer.parseInt(response.getKey()), k -> new TreeSet<>())
              .add((String) code);
        }
      }
    }
    return codes;
  }

  /**
   * Fails unless operation {@code id} declares {@code status} (or a default) with {@code media}
   * among its content types; for answers the validator does not read (not JSON).
   *
   * @param answered the call and its status, to begin the complaint with
   * @param body     the start of the body, shown when the media type is not listed
   */
  void checkDeclared(String answered, String id, int status, String media, String body) {
    JsonObject responses = operations.get(id).getJsonObject("responses", new JsonObject());
    JsonObject response =
        responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    if (response == null) {
      throw new AssertionError(
          answered
              + " but the document declares no such status; it declares "
              + responses.fieldNames());
    }
    response = resolved(response);
    JsonObject content = response.getJsonObject("content", new JsonObject());
    boolean listed =
        content.fieldNames().stream()
            .anyMatch(type -> type.split(";", 2)[0].trim().equalsIgnoreCase(media));
    if (!listed) {
      throw new AssertionError(
          answered
              + " as "
              + media
              + " but the document lists "
              + content.fieldNames()
              + "\n  body: "
              + body);
    }
  }

  /** A path with its parameters erased, so {@code /v1/models/:model} and {@code /v1/models/{name}} compare equal. */
  private static String shape(String path) {
    return PARAMETER.matcher(path).replaceAll("{}");
  }

  private JsonObject resolved(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null || !ref.startsWith("#/")) {
      return maybeRef;
    }
    Object at = document;
    for (String name : ref.substring(2).split("/")) {
      at = ((JsonObject) at).getValue(name.replace("~1", "/").replace("~0", "~"));
    }
    return (JsonObject) at;
  }
}
