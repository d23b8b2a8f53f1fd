package io.maas.common.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry's answers as {@code ./maas} reads them. */
class JsonQueryTest {

  private static final String MODELS =
      """
      [{"model":"ham.v2","versions":[1],"latestVersion":1,"production":1,"revision":3},
       {"model":"spam","versions":[1,2,3],"latestVersion":3,"production":null,"revision":null}]""";

  private static final String MODEL =
      """
      {"model":"spam","versions":[{"version":2,"sha256":"ab12","artifact":"http://r/v/2"}],
       "deployment":{"model":"spam","production":{"version":2,"artifact":"http://r/spam/2","sha256":"ab12"},"canary":null}}""";

  @Test
  void picksFieldsAlongAPath() {
    assertThat(query(MODEL, "deployment.production.version", "deployment.production.artifact"))
        .isEqualTo("2\nhttp://r/spam/2\n");
  }

  @Test
  void picksTheArrayElementWithAFieldValue() {
    assertThat(
            query(
                MODELS,
                "[model=spam].latestVersion",
                "[model=spam].production",
                "[model=ham.v2].production"))
        .isEqualTo("3\nnull\n1\n");
  }

  @Test
  void printsAnArrayOneElementALineAndAnObjectAsJson() {
    assertThat(query(MODELS, "[model=spam].versions")).isEqualTo("1\n2\n3\n");
    assertThat(query(MODEL, "versions.0"))
        .isEqualTo("{\"version\":2,\"sha256\":\"ab12\",\"artifact\":\"http://r/v/2\"}\n");
  }

  @Test
  void aPathThatLeadsNowherePrintsNothingAndFails() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    assertThat(JsonQuery.print(Json.decodeValue(MODELS), List.of("[model=eggs].production"), out))
        .isFalse();
    assertThat(JsonQuery.print(Json.decodeValue(MODEL), List.of("deployment.canary.version"), out))
        .isFalse();
    assertThat(JsonQuery.print(Json.decodeValue(MODEL), List.of("versions.5"), out)).isFalse();
    assertThat(JsonQuery.print(Json.decodeValue(MODEL), List.of("model.name"), out)).isFalse();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aNumberPrintsAsJsonWritesIt() {
    assertThat(query("{\"throughput\":2223.7046920169,\"offered\":0.0}", "throughput", "offered"))
        .isEqualTo("2223.7046920169\n0.0\n");
  }

  private static String query(String json, String... paths) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean found =
        JsonQuery.print(
            Json.decodeValue(json),
            List.of(paths),
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(found).isTrue();
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
