package io.maas.registry.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code ./maas rollout}: starts a rollout on the registry and follows it, a line per step, until
 * it ends; exit status 0 when promoted, 1 when rolled back or aborted, 2 on a usage or registry
 * error. {@code ./maas rollout MODEL stop} aborts the running one. Reads {@code MAAS_REGISTRY_URL}
 * and {@code MAAS_ADMIN_TOKEN} from the environment (a token is never an argument: {@code ps} shows those).
 */
public final class RolloutCommand {

  private static final String USAGE =
      """
      usage: ./maas rollout MODEL VERSION [--steps 0.05,0.25,0.5,1] [--min-results 200] [--max-step-seconds 600]
             ./maas rollout MODEL stop""";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String registry;
  private final String token;

  private RolloutCommand(String registry, String token) {
    this.registry = registry.replaceAll("/+$", "");
    this.token = token;
  }

  public static void main(String[] args) throws Exception {
    String registry = System.getenv().getOrDefault("MAAS_REGISTRY_URL", "http://127.0.0.1:8081");
    String token = System.getenv().getOrDefault("MAAS_ADMIN_TOKEN", "");
    try {
      System.exit(new RolloutCommand(registry, token).run(args));
    } catch (IllegalArgumentException e) {
      System.err.println("maas: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
    } catch (IOException e) {
      System.err.println(
          "maas: the registry at "
              + registry
              + " does not answer ("
              + e.getMessage()
              + "); is './maas up' running?");
      System.exit(2);
    }
  }

  private int run(String[] args) throws IOException, InterruptedException {
    if (args.length < 2) {
      throw new IllegalArgumentException("name a model and a version");
    }
    String model = args[0];
    if ("stop".equals(args[1])) {
      return stop(model);
    }
    JsonObject body = new JsonObject().put("version", whole(args[1], "VERSION"));
    for (int i = 2; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--steps" -> {
          JsonArray steps = new JsonArray();
          for (String s : args[i + 1].split(",")) {
            try {
              steps.add(Double.parseDouble(s.trim()));
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(
                  "--steps takes weights such as 0.05,0.25,0.5,1, got " + args[i + 1]);
            }
          }
          body.put("steps", steps);
        }
        case "--min-results" -> body.put("minResults", whole(args[i + 1], "--min-results"));
        case "--max-step-seconds" ->
            body.put("maxStepSeconds", whole(args[i + 1], "--max-step-seconds"));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    HttpResponse<String> started = call("POST", "/v1/models/" + model + "/rollouts", body.encode());
    if (started.statusCode() != 202) {
      return refused(started);
    }
    JsonObject r = new JsonObject(started.body());
    JsonObject plan = r.getJsonObject("plan");
    System.out.printf(
        "rollout %d of %s: version %d in %d steps %s, production v%d is the baseline (Ctrl-C stops following, not the rollout)%n",
        r.getInteger("id"),
        model,
        r.getInteger("version"),
        plan.getJsonArray("steps").size(),
        percents(plan.getJsonArray("steps")),
        r.getInteger("baseline"));
    return follow(model, r.getInteger("id"));
  }

  private int follow(String model, int id) throws IOException, InterruptedException {
    int shownSteps = 0;
    double shownStep = -1;
    String shownWait = null;
    while (true) {
      HttpResponse<String> got = call("GET", "/v1/models/" + model + "/rollouts/" + id, null);
      if (got.statusCode() != 200) {
        return refused(got);
      }
      JsonObject r = new JsonObject(got.body());
      JsonArray steps = r.getJsonArray("steps");
      for (; shownSteps < steps.size(); shownSteps++) {
        JsonObject s = steps.getJsonObject(shownSteps);
        System.out.printf(
            "  step %d at %s %s after %d s: %s%n",
            s.getInteger("number"),
            percent(s.getDouble("step")),
            s.getString("outcome"),
            Math.round((s.getLong("endedAt") - s.getLong("startedAt")) / 1000.0),
            s.getString("because"));
      }
      String state = r.getString("state");
      switch (state) {
        case "promoted" -> {
          System.out.printf("promoted: %s v%d is production%n", model, r.getInteger("version"));
          return 0;
        }
        case "rolled_back" -> {
          System.out.printf(
              "rolled back at step %d (%s gate): production is v%d again%n",
              r.getInteger("stepNumber"), r.getString("gate"), r.getInteger("baseline"));
          return 1;
        }
        case "aborted" -> {
          System.out.printf(
              "aborted at step %d: production is v%d again%n",
              r.getInteger("stepNumber"), r.getInteger("baseline"));
          return 1;
        }
        default -> {
          double step = r.getDouble("step");
          if (step != shownStep) {
            System.out.printf(
                "  step %d of %d: canary v%d at %s%n",
                r.getInteger("stepNumber"),
                r.getJsonObject("plan").getJsonArray("steps").size(),
                r.getInteger("version"),
                percent(step));
            shownStep = step;
          }
          String waiting = r.getString("waitingFor");
          if (waiting != null && !waiting.equals(shownWait) && !waiting.contains(" answers")) {
            System.out.println("    waiting: " + waiting);
          }
          shownWait = waiting;
        }
      }
      Thread.sleep(2000);
    }
  }

  private int stop(String model) throws IOException, InterruptedException {
    HttpResponse<String> list = call("GET", "/v1/models/" + model + "/rollouts", null);
    if (list.statusCode() != 200) {
      return refused(list);
    }
    for (Object o : new JsonArray(list.body())) {
      JsonObject r = (JsonObject) o;
      if ("running".equals(r.getString("state"))) {
        HttpResponse<String> aborted =
            call("DELETE", "/v1/models/" + model + "/rollouts/" + r.getInteger("id"), null);
        if (aborted.statusCode() != 200) {
          return refused(aborted);
        }
        System.out.printf(
            "rollout %d of %s aborted: production is v%d again%n",
            r.getInteger("id"), model, r.getInteger("baseline"));
        return 0;
      }
    }
    System.err.println("maas: no rollout of " + model + " is running");
    return 1;
  }

  private HttpResponse<String> call(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(registry + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int refused(HttpResponse<String> response) {
    String message = response.body();
    try {
      message = new JsonObject(response.body()).getString("message", message);
    } catch (RuntimeException notJson) {
      // the body as it is
    }
    System.err.println("maas: HTTP " + response.statusCode() + ": " + message);
    return 2;
  }

  private static int whole(String value, String what) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number, got " + value);
    }
  }

  private static String percents(JsonArray steps) {
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < steps.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(percent(steps.getDouble(i)));
    }
    return out.append(")").toString();
  }

  private static String percent(double weight) {
    double p = weight * 100;
    return (p == Math.rint(p)
            ? String.format(Locale.ROOT, "%.0f", p)
            : String.format(Locale.ROOT, "%.1f", p))
        + "%";
  }
}
