package io.maas.monitor.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.http.ApiError;
import io.maas.testkit.ApiContract;
import io.vertx.core.Vertx;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor-service's OpenAPI document is a valid OpenAPI 3.1 contract whose error codes are the service's own. */
class MonitorApiDescriptionTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close();
  }

  @Test
  void isAnOpenApi31ContractListingOnlyErrorsTheServiceAnswers() {
    ApiContract api = ApiContract.resource(vertx, "openapi/monitor-service.json");

    assertThat(api.document().getJsonObject("paths").fieldNames())
        .contains("/openapi.json", "/v1/summary/stream");
    api.assertErrorCodesWithin(
        Arrays.stream(ApiError.values()).map(e -> Map.entry(e.status(), e.code())).toList());
  }
}
