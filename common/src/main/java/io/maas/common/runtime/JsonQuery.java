package io.maas.common.runtime;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Values picked out of a JSON document, for {@code ./maas}, which reads the registry's answers and
 * the benchmark's runs with it instead of parsing JSON text in bash.
 *
 * <pre>
 * java -cp JAR io.maas.common.runtime.JsonQuery PATH... &lt;DOCUMENT
 * </pre>
 *
 * A path is a dotted list of steps: a field name, an array index, or {@code [field=value]}, the
 * first element of an array whose field has that value ({@code [model=spam].production}). Each
 * path prints its value on a line: a string as it is, a number or {@code null} as JSON writes
 * them, an array its elements one a line, an object as compact JSON. The exit status is 1 when a
 * path leads nowhere (nothing printed for it), 2 when the input is not JSON.
 */
public final class JsonQuery {

  private JsonQuery() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println(
          "usage: JsonQuery PATH... <DOCUMENT (a path: field.0.[field=value].field)");
      System.exit(2);
    }
    Object document;
    try {
      document = Json.decodeValue(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      System.err.println("the input is not JSON: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(print(document, List.of(args), System.out) ? 0 : 1);
  }

  /** Prints each path's value; false when one of them leads nowhere. */
  static boolean print(Object document, List<String> paths, PrintStream out) {
    boolean found = true;
    for (String path : paths) {
      Optional<Object> value = find(document, path);
      if (value.isEmpty()) {
        found = false;
      } else {
        for (String line : lines(value.get())) {
          out.println(line);
        }
      }
    }
    return found;
  }

  /** The value at {@code path}; empty when a step finds nothing. A JSON null is a value. */
  static Optional<Object> find(Object document, String path) {
    Object current = document;
    for (String step : steps(path)) {
      if (current instanceof JsonObject object && !step.startsWith("[")) {
        if (!object.containsKey(step)) {
          return Optional.empty();
        }
        current = object.getValue(step);
      } else if (current instanceof JsonArray array
          && step.startsWith("[")
          && step.endsWith("]")
          && step.contains("=")) {
        String field = step.substring(1, step.indexOf('='));
        String wanted = step.substring(step.indexOf('=') + 1, step.length() - 1);
        current =
            array.stream()
                .filter(
                    e ->
                        e instanceof JsonObject o
                            && o.containsKey(field)
                            && wanted.equals(String.valueOf(o.getValue(field))))
                .findFirst()
                .orElse(Marker.NOTHING);
      } else if (current instanceof JsonArray array && step.matches("[0-9]+")) {
        int index = Integer.parseInt(step);
        current = index < array.size() ? array.getValue(index) : Marker.NOTHING;
      } else {
        return Optional.empty();
      }
      if (current == Marker.NOTHING) {
        return Optional.empty();
      }
    }
    return Optional.of(current == null ? Marker.JSON_NULL : current);
  }

  /** Nothing found, and a JSON null found (Optional holds no null). */
  private enum Marker {
    NOTHING,
    JSON_NULL
  }

  /** Steps split at dots outside brackets: {@code [name=a.b].version} is two steps. */
  private static List<String> steps(String path) {
    List<String> steps = new ArrayList<>();
    StringBuilder step = new StringBuilder();
    int depth = 0;
    for (char c : path.toCharArray()) {
      if (c == '.' && depth == 0) {
        steps.add(step.toString());
        step.setLength(0);
        continue;
      }
      depth += c == '[' ? 1 : c == ']' ? -1 : 0;
      step.append(c);
    }
    steps.add(step.toString());
    steps.removeIf(String::isEmpty);
    return steps;
  }

  private static List<String> lines(Object value) {
    if (value instanceof JsonArray array) {
      List<String> lines = new ArrayList<>();
      array.forEach(element -> lines.add(text(element)));
      return lines;
    }
    return List.of(text(value));
  }

  private static String text(Object value) {
    if (value == null || value == Marker.JSON_NULL) {
      return "null";
    }
    if (value instanceof String string) {
      return string;
    }
    return Json.encode(value);
  }
}
