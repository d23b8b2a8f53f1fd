package io.maas.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InferenceRequestTest {

  private static final InferenceRequest.Defaults STRICT =
      new InferenceRequest.Defaults("spam", null, 1_000L, InferenceRequest.DEFAULT_MAX_TEXT_BYTES);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Reason reasonOf(String json, InferenceRequest.Defaults defaults) {
    try {
      InferenceRequest.decode(utf8(json), defaults);
    } catch (EventException e) {
      return e.reason();
    }
    throw new AssertionError("expected a rejection of " + json);
  }

  @Test
  void roundTripKeepsEveryField() {
    InferenceRequest request =
        new InferenceRequest(
            "r-1",
            "spam",
            "Win a free cruise! ünïcødé 🚢",
            1732790000000L,
            3,
            Map.of("source", "mail"));

    InferenceRequest decoded = InferenceRequest.decode(request.toBuffer().getBytes(), STRICT);

    assertThat(decoded).isEqualTo(request);
  }

  @Test
  void contractExampleDecodes() {
    InferenceRequest decoded =
        InferenceRequest.decode(
            utf8(
                "{\"id\":\"r-1\",\"model\":\"spam\",\"text\":\"...\",\"ingestedAt\":1732790000000,\"version\":null,"
                    + "\"attributes\":{},\"unknown\":[1,2]}"),
            STRICT);

    assertThat(decoded.id()).isEqualTo("r-1");
    assertThat(decoded.version()).isNull();
    assertThat(decoded.ingestedAt()).isEqualTo(1732790000000L);
  }

  @Test
  void defaultsFillIdModelAndIngestedAt() {
    InferenceRequest decoded =
        InferenceRequest.decode(
            utf8("{\"text\":\"hello\"}"),
            new InferenceRequest.Defaults("spam", () -> "generated-1", 42L, 100));

    assertThat(decoded.id()).isEqualTo("generated-1");
    assertThat(decoded.model()).isEqualTo("spam");
    assertThat(decoded.ingestedAt()).isEqualTo(42L);
  }

  @Test
  void rejectionsCarryStableReasons() {
    assertThat(reasonOf("{\"id\":\"r-1\",\"text\":", STRICT)).isEqualTo(Reason.INVALID_JSON);
    assertThat(reasonOf("[{\"id\":\"r-1\",\"text\":\"a\"}]", STRICT))
        .isEqualTo(Reason.INVALID_JSON);
    assertThat(reasonOf("{\"id\":\"r-1\"}", STRICT)).isEqualTo(Reason.MISSING_FIELD);
    assertThat(reasonOf("{\"text\":\"a\"}", STRICT)).isEqualTo(Reason.MISSING_FIELD);
    assertThat(reasonOf("{\"id\":\"r-1\",\"text\":42}", STRICT)).isEqualTo(Reason.INVALID_FIELD);
    assertThat(reasonOf("{\"id\":\"has space\",\"text\":\"a\"}", STRICT))
        .isEqualTo(Reason.INVALID_ID);
    assertThat(reasonOf("{\"id\":\"" + "x".repeat(129) + "\",\"text\":\"a\"}", STRICT))
        .isEqualTo(Reason.INVALID_ID);
    assertThat(reasonOf("{\"id\":\"r-1\",\"model\":\"other\",\"text\":\"a\"}", STRICT))
        .isEqualTo(Reason.MODEL_MISMATCH);
    assertThat(reasonOf("{\"id\":\"r-1\",\"text\":\"a\",\"version\":0}", STRICT))
        .isEqualTo(Reason.INVALID_FIELD);
    assertThat(reasonOf("{\"id\":\"r-1\",\"text\":\"a\",\"attributes\":{\"n\":1}}", STRICT))
        .isEqualTo(Reason.INVALID_FIELD);
    assertThat(reasonOf("{\"id\":\"r-1\",\"text\":\"a\",\"ingestedAt\":\"yesterday\"}", STRICT))
        .isEqualTo(Reason.INVALID_FIELD);
  }

  @Test
  void invalidModelNameIsRefused() {
    assertThat(
            reasonOf(
                "{\"id\":\"r-1\",\"model\":\"Spam!\",\"text\":\"a\"}",
                new InferenceRequest.Defaults(null, null, 0L, 100)))
        .isEqualTo(Reason.INVALID_MODEL);
  }

  @Test
  void invalidUtf8IsRefusedBeforeParsing() {
    byte[] bytes = {
      '{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'
    };

    assertThatThrownBy(() -> InferenceRequest.decode(bytes, STRICT))
        .isInstanceOfSatisfying(
            EventException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_UTF8));
  }

  @Test
  void textLimitCountsBytesOfUtf8() {
    InferenceRequest.Defaults tenBytes = new InferenceRequest.Defaults("spam", null, 0L, 10);

    // "é" is two bytes: five of them fit, six do not.
    assertThat(InferenceRequest.decode(utf8("{\"id\":\"a\",\"text\":\"ééééé\"}"), tenBytes).text())
        .hasSize(5);
    assertThatThrownBy(
            () -> InferenceRequest.decode(utf8("{\"id\":\"a\",\"text\":\"éééééé\"}"), tenBytes))
        .isInstanceOfSatisfying(
            EventException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(Reason.TEXT_TOO_LONG);
              assertThat(e.getMessage()).contains("12 bytes").contains("limit is 10");
            });
    assertThat(InferenceRequest.utf8Length("a\u00e9\u20ac\ud83d\ude00")).isEqualTo(1 + 2 + 3 + 4);
  }
}
