package io.maas.inference.model;

import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The load state of each version of the revision a model is loading, or of the one that failed
 * to load last, and why the last one failed; gone once a revision serves (its versions are then
 * {@link LoadState#READY} in the slots). Written by the {@link ModelManager}'s loader thread and its
 * context, read by the status API on an event loop: each model's entry is immutable and replaced
 * whole.
 */
final class RevisionLoads {

  private record Version(int version, LoadState state, String error) {}

  private record Revision(long revision, Map<Role, Version> versions) {}

  private final Map<String, Revision> revisions = new ConcurrentHashMap<>();
  private final Map<String, String> lastErrors = new ConcurrentHashMap<>();

  /** A revision starts loading: each of its versions is loading until the loader has it ready. */
  void start(ModelDeployment deployment) {
    Map<Role, Version> versions = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      ModelDeployment.Slot slot =
          switch (role) {
            case PRODUCTION -> deployment.production();
            case CANARY -> deployment.canary();
            case SHADOW -> deployment.shadow();
          };
      if (slot != null) {
        versions.put(role, new Version(slot.version(), LoadState.LOADING, null));
      }
    }
    revisions.put(deployment.model(), new Revision(deployment.revision(), versions));
  }

  /** @param error why a {@link LoadState#FAILED} version failed; null otherwise */
  void set(String model, Role role, LoadState state, String error) {
    revisions.computeIfPresent(
        model,
        (m, r) -> {
          Version was = r.versions().get(role);
          if (was == null) {
            return r;
          }
          Map<Role, Version> versions = new LinkedHashMap<>(r.versions());
          versions.put(role, new Version(was.version(), state, error));
          return new Revision(r.revision(), versions);
        });
  }

  /**
   * The revision failed: {@code why} is the model's last error until a revision serves; the
   * versions the loader did not come to are not shown, the others keep their state.
   */
  void failed(String model, String why) {
    lastErrors.put(model, why);
    revisions.computeIfPresent(
        model,
        (m, r) -> {
          Map<Role, Version> versions = new LinkedHashMap<>(r.versions());
          versions.values().removeIf(v -> v.state() == LoadState.LOADING);
          return new Revision(r.revision(), versions);
        });
  }

  /** The revision serves: its versions show in the slots from now on. */
  void served(String model) {
    revisions.remove(model);
    lastErrors.remove(model);
  }

  /** The models with a revision loading or failed, or a last error. */
  Set<String> models() {
    Set<String> models = new HashSet<>(revisions.keySet());
    models.addAll(lastErrors.keySet());
    return models;
  }

  /** Why the model's last revision failed to load, or null once one serves. */
  String lastError(String model) {
    return lastErrors.get(model);
  }

  /** For {@code GET /v1/status}: {@code {"revision", "versions": [{"version", "role", "load", "error"}]}}, or null. */
  JsonObject json(String model) {
    Revision r = revisions.get(model);
    if (r == null) {
      return null;
    }
    JsonArray versions = new JsonArray();
    r.versions()
        .forEach(
            (role, v) ->
                versions.add(
                    new JsonObject()
                        .put("version", v.version())
                        .put("role", role.code())
                        .put("load", v.state().code())
                        .put("error", v.error())));
    return new JsonObject().put("revision", r.revision()).put("versions", versions);
  }
}
