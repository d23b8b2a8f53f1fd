package io.maas.registry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelVersionTest {

  private static ModelVersion version(JsonObject details) {
    return new ModelVersion(
        "spam",
        1,
        "a".repeat(64),
        10,
        1L,
        "admin",
        "",
        List.of(),
        List.of("ham", "spam"),
        new JsonObject(),
        details);
  }

  @Test
  void theProfileIsShownAtTheTopAndSurvivesTheRecord() {
    JsonObject profile = new JsonObject().put("source", "training").put("examples", 3);
    ModelVersion version =
        version(new JsonObject().put("metrics", new JsonObject()).put("profile", profile));

    JsonObject json = version.toJson();

    assertThat(json.getJsonObject("profile")).isEqualTo(profile);
    assertThat(json.getJsonObject("details").containsKey("profile")).isFalse();
    assertThat(ModelVersion.fromJson(json)).isEqualTo(version);
  }

  @Test
  void aVersionUploadedWithoutAProfileShowsNull() {
    JsonObject json = version(new JsonObject()).toJson();

    assertThat(json.containsKey("profile")).isTrue();
    assertThat(json.getValue("profile")).isNull();
    assertThat(ModelVersion.fromJson(json).profile()).isNull();
  }
}
