package io.maas.registry.deploy;

import io.maas.common.http.ApiError;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * The rules of a deployment, pure: what a {@code PUT /v1/models/{model}/deployment} body must
 * hold, the revision that follows the current one, and the production history a deployment or a
 * rollback leaves. {@link Deployer} and the deployment API apply them; {@code
 * DeploymentRulesTest} tests them without a broker.
 */
public final class DeploymentRules {

  private DeploymentRules() {}

  /**
   * A deployment as asked.
   *
   * @param canary the canary's version, or null
   * @param weight the canary's share of requests, 0 < weight < 1, with a canary
   * @param shadow the shadow's version, or null
   */
  public record Request(int production, Integer canary, Double weight, Integer shadow) {}

  /**
   * The deployment a body asks for: {@code {"production":N}}, optionally {@code
   * "canary":{"version":N,"weight":W}} and {@code "shadow":N}; canary and shadow other than
   * production.
   *
   * @throws io.maas.common.http.ApiException {@code missing_field} or {@code invalid_field}
   */
  public static Request parse(JsonObject body) {
    if (!(body.getValue("production") instanceof Number production)) {
      throw ApiError.MISSING_FIELD.because("'production' (a version number) is required");
    }
    Integer shadow = body.getValue("shadow") instanceof Number s ? s.intValue() : null;
    JsonObject canaryJson = body.getValue("canary") instanceof JsonObject c ? c : null;
    Integer canary =
        canaryJson != null && canaryJson.getValue("version") instanceof Number c
            ? c.intValue()
            : null;
    Double weight =
        canaryJson != null && canaryJson.getValue("weight") instanceof Number w
            ? w.doubleValue()
            : null;
    if (canaryJson != null && (canary == null || weight == null || weight <= 0 || weight >= 1)) {
      throw ApiError.INVALID_FIELD.because(
          "'canary' must be {\"version\":N,\"weight\":W} with 0 < W < 1");
    }
    if (production.intValue() == (canary == null ? -1 : canary)
        || production.intValue() == (shadow == null ? -1 : shadow)) {
      throw ApiError.INVALID_FIELD.because(
          "canary and shadow must be versions other than production");
    }
    return new Request(production.intValue(), canary, weight, shadow);
  }

  /**
   * Refuses a request naming a version the model does not have.
   *
   * @throws io.maas.common.http.ApiException {@code unknown_version}
   */
  public static void requireKnown(String model, Request request, IntPredicate known) {
    for (Integer v : new Integer[] {request.production(), request.canary(), request.shadow()}) {
      if (v != null && !known.test(v)) {
        throw ApiError.UNKNOWN_VERSION.because("model " + model + " has no version " + v);
      }
    }
  }

  /** The revision after {@code current}, the model's latest one (0 before its first). */
  public static long nextRevision(long current) {
    return current + 1;
  }

  /** The production history once {@code production} serves: it grows when production changes. */
  public static List<Integer> historyAfter(List<Integer> history, int production) {
    List<Integer> next = new ArrayList<>(history);
    if (next.isEmpty() || next.get(next.size() - 1) != production) {
      next.add(production);
    }
    return next;
  }

  /**
   * The production history after a rollback, its last entry the production to go back to; empty
   * when there is no earlier production.
   */
  public static Optional<List<Integer>> historyAfterRollback(List<Integer> history) {
    if (history.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(List.copyOf(history.subList(0, history.size() - 1)));
  }
}
