package io.maas.registry.catalog;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One registered version: its record on {@code maas.registry} (key {@code model/version}) and
 * what the API shows.
 *
 * @param details the trainer's metadata worth keeping (metrics, options, data, training, trainer,
 *                profile); the profile is shown, and recorded, as a top-level {@code "profile"}
 *                (null for a version uploaded without one) rather than inside {@code "details"}
 */
public record ModelVersion(
    String model,
    int version,
    String sha256,
    long size,
    long created,
    String createdBy,
    String description,
    List<String> tags,
    List<String> classes,
    JsonObject signature,
    JsonObject details) {

  private static final String PROFILE = "profile";

  public ModelVersion {
    tags = List.copyOf(tags);
    classes = List.copyOf(classes);
    signature = signature.copy();
    details = details.copy();
  }

  public String key() {
    return model + "/" + version;
  }

  /** The reference profile of the version's held-out answers, or null when it came without one. */
  public JsonObject profile() {
    JsonObject profile = details.getJsonObject(PROFILE);
    return profile == null ? null : profile.copy();
  }

  public JsonObject toJson() {
    JsonObject shownDetails = details.copy();
    shownDetails.remove(PROFILE);
    return new JsonObject()
        .put("type", "version")
        .put("model", model)
        .put("version", version)
        .put("sha256", sha256)
        .put("size", size)
        .put("created", created)
        .put("createdBy", createdBy)
        .put("description", description)
        .put("tags", new JsonArray(tags))
        .put("classes", new JsonArray(classes))
        .put("signature", signature.copy())
        .put("metrics", details.getJsonObject("metrics", new JsonObject()).copy())
        .put("details", shownDetails)
        .put(PROFILE, profile());
  }

  public static ModelVersion fromJson(JsonObject json) {
    JsonObject details = json.getJsonObject("details", new JsonObject()).copy();
    if (json.getJsonObject(PROFILE) != null) {
      details.put(PROFILE, json.getJsonObject(PROFILE));
    }
    return new ModelVersion(
        json.getString("model"),
        json.getInteger("version"),
        json.getString("sha256"),
        json.getLong("size"),
        json.getLong("created"),
        json.getString("createdBy"),
        json.getString("description", ""),
        strings(json.getJsonArray("tags")),
        strings(json.getJsonArray("classes")),
        json.getJsonObject("signature", new JsonObject()),
        details);
  }

  private static List<String> strings(JsonArray array) {
    return array == null ? List.of() : array.stream().map(String::valueOf).toList();
  }
}
