package io.maas.inference.model;

import io.maas.common.event.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of {@code GET /v1/status}, built from the serving slots and the {@link RevisionLoads}:
 * per model, the serving revision, its versions (each {@code "load": "ready"}), the last load error,
 * and the revision loading or failed last with each version's load state.
 */
final class ModelStatus {

  private ModelStatus() {}

  static JsonObject json(Map<String, ServedModel.Slots> slots, RevisionLoads loads) {
    JsonObject models = new JsonObject();
    Set<String> names = new TreeSet<>(slots.keySet());
    names.addAll(loads.models());
    for (String model : names) {
      ServedModel.Slots s = slots.get(model);
      models.put(
          model,
          new JsonObject()
              .put("revision", s == null ? null : s.revision())
              .put("versions", serving(s))
              .put("lastError", loads.lastError(model))
              .put("nextRevision", loads.json(model)));
    }
    return models;
  }

  private static JsonArray serving(ServedModel.Slots s) {
    JsonArray versions = new JsonArray();
    for (Role role : Role.values()) {
      ServedModel served = s == null ? null : s.of(role);
      if (served != null) {
        JsonObject v =
            new JsonObject()
                .put("version", served.version())
                .put("role", role.code())
                .put("state", "loaded")
                .put("load", LoadState.READY.code())
                .put("sha256", served.sha256())
                .put("classes", new JsonArray(served.classes()))
                .put("preprocessing", served.preprocessing().toJson());
        if (role == Role.CANARY) {
          v.put("weight", s.canaryWeight());
        }
        versions.add(v);
      }
    }
    return versions;
  }
}
