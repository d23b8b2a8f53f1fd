package io.maas.registry.catalog;

import io.maas.common.event.ModelDeployment;
import io.maas.registry.rollout.Rollout;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's state, rebuilt from {@code maas.registry} at start and updated only after a
 * record is acknowledged there. Confined to the API verticle's event loop.
 */
public final class Catalog {

  /** The desired state of a model and the production versions it went through, oldest first. */
  public record Deployment(ModelDeployment deployment, List<Integer> productionHistory) {

    public Deployment {
      productionHistory = List.copyOf(productionHistory);
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("type", "deployment")
          .put("deployment", deployment.toJson())
          .put("productionHistory", new JsonArray(productionHistory));
    }

    static Deployment fromJson(JsonObject json) {
      List<Integer> history = new ArrayList<>();
      json.getJsonArray("productionHistory", new JsonArray())
          .forEach(v -> history.add(((Number) v).intValue()));
      return new Deployment(ModelDeployment.fromJson(json.getJsonObject("deployment")), history);
    }
  }

  private final Map<String, TreeMap<Integer, ModelVersion>> versions = new TreeMap<>();
  private final Map<String, Integer> highest = new HashMap<>();
  private final Map<String, Deployment> deployments = new HashMap<>();
  private final Map<String, TreeMap<Integer, Rollout>> rollouts = new TreeMap<>();

  /**
   * Applies one record of {@code maas.registry} (keys {@code model/<version>}, {@code model/deployment}
   * and {@code model/rollout/<id>}); a null value (tombstone) removes it.
   */
  public void apply(String key, JsonObject value) {
    int slash = key.indexOf('/');
    String model = key.substring(0, slash);
    String what = key.substring(slash + 1);
    if (what.startsWith("rollout/")) {
      int id = Integer.parseInt(what.substring("rollout/".length()));
      if (value == null) {
        TreeMap<Integer, Rollout> of = rollouts.get(model);
        if (of != null) {
          of.remove(id);
        }
      } else {
        rollouts.computeIfAbsent(model, m -> new TreeMap<>()).put(id, Rollout.fromJson(value));
      }
      return;
    }
    if ("deployment".equals(what)) {
      if (value == null) {
        deployments.remove(model);
      } else {
        deployments.put(model, Deployment.fromJson(value));
      }
      return;
    }
    int version = Integer.parseInt(what);
    if (value == null) {
      TreeMap<Integer, ModelVersion> of = versions.get(model);
      if (of != null) {
        of.remove(version);
      }
      return;
    }
    versions
        .computeIfAbsent(model, m -> new TreeMap<>())
        .put(version, ModelVersion.fromJson(value));
    highest.merge(model, version, Math::max);
  }

  /** The next version number of a model, reserved: numbers are never reused, even after a failed write. */
  public int reserveVersion(String model) {
    return highest.merge(model, 1, (current, one) -> current + 1);
  }

  public List<String> models() {
    return List.copyOf(versions.keySet());
  }

  public boolean exists(String model) {
    TreeMap<Integer, ModelVersion> of = versions.get(model);
    return of != null && !of.isEmpty();
  }

  public List<ModelVersion> versions(String model) {
    TreeMap<Integer, ModelVersion> of = versions.get(model);
    return of == null ? List.of() : List.copyOf(of.values());
  }

  public Optional<ModelVersion> version(String model, int version) {
    TreeMap<Integer, ModelVersion> of = versions.get(model);
    return Optional.ofNullable(of == null ? null : of.get(version));
  }

  /** A version of this model with this artifact, if one was registered already. */
  public Optional<ModelVersion> bySha256(String model, String sha256) {
    return versions(model).stream().filter(v -> v.sha256().equals(sha256)).findFirst();
  }

  public Optional<Deployment> deployment(String model) {
    return Optional.ofNullable(deployments.get(model));
  }

  public Map<String, Deployment> deployments() {
    return Map.copyOf(deployments);
  }

  /** A model's rollouts, oldest first. */
  public List<Rollout> rollouts(String model) {
    TreeMap<Integer, Rollout> of = rollouts.get(model);
    return of == null ? List.of() : List.copyOf(of.values());
  }

  public Optional<Rollout> rollout(String model, int id) {
    TreeMap<Integer, Rollout> of = rollouts.get(model);
    return Optional.ofNullable(of == null ? null : of.get(id));
  }

  /** The model's running rollout: at most one runs per model. */
  public Optional<Rollout> runningRollout(String model) {
    return rollouts(model).stream().filter(Rollout::running).findFirst();
  }

  /** Every model's rollouts, for the controller. */
  public List<Rollout> allRollouts() {
    List<Rollout> all = new ArrayList<>();
    rollouts.values().forEach(of -> all.addAll(of.values()));
    return all;
  }

  /** The id the model's next rollout gets. */
  public int nextRolloutId(String model) {
    TreeMap<Integer, Rollout> of = rollouts.get(model);
    return of == null || of.isEmpty() ? 1 : of.lastKey() + 1;
  }
}
