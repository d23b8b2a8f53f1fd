package io.maas.ingest.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.Reason;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BodyDecoderTest {

  private static final long NOW = 1_732_790_000_000L;

  private final AtomicInteger sequence = new AtomicInteger();
  private final BodyDecoder decoder =
      new BodyDecoder("spam", 16, 4, () -> "gen-" + sequence.incrementAndGet());

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void oneObjectGetsAnIdTheModelAndTheIngestClock() {
    DecodedBody decoded = decoder.json(utf8("{\"text\":\"hello\"}"), NOW);

    assertThat(decoded.valid()).isTrue();
    InferenceRequest request = decoded.requests().get(0);
    assertThat(request.id()).isEqualTo("gen-1");
    assertThat(request.model()).isEqualTo("spam");
    assertThat(request.ingestedAt()).isEqualTo(NOW);
  }

  @Test
  void anArrayKeepsOrderAndTheClientsIdsAndTimestamps() {
    DecodedBody decoded =
        decoder.json(
            utf8("[{\"id\":\"a\",\"text\":\"x\",\"ingestedAt\":5},{\"text\":\"y\"}]"), NOW);

    assertThat(decoded.requests()).extracting(InferenceRequest::id).containsExactly("a", "gen-1");
    assertThat(decoded.requests())
        .extracting(InferenceRequest::ingestedAt)
        .containsExactly(5L, NOW);
  }

  @Test
  void everyInvalidItemIsNamedWithItsIndexIdReasonAndOriginalBytes() {
    DecodedBody decoded =
        decoder.json(
            utf8(
                "[{\"id\":\"ok\",\"text\":\"x\"},{\"id\":\"r-2\"},7,"
                    + "{\"id\":\"r-4\",\"text\":\"far longer than sixteen bytes\"}]"),
            NOW);

    assertThat(decoded.valid()).isFalse();
    assertThat(decoded.size()).isEqualTo(4);
    assertThat(decoded.rejections())
        .extracting(
            DecodedBody.Rejection::index, DecodedBody.Rejection::id, DecodedBody.Rejection::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "r-2", Reason.MISSING_FIELD),
            org.assertj.core.groups.Tuple.tuple(2, null, Reason.INVALID_JSON),
            org.assertj.core.groups.Tuple.tuple(3, "r-4", Reason.TEXT_TOO_LONG));
    assertThat(new String(decoded.rejections().get(1).payload(), StandardCharsets.UTF_8))
        .isEqualTo("7");
  }

  @Test
  void unreadableBodiesAreOneRejectionHoldingTheWholeBody() {
    byte[] broken = utf8("{\"text\": ");
    assertThat(decoder.json(broken, NOW).rejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.reason()).isEqualTo(Reason.INVALID_JSON);
              assertThat(r.payload()).isEqualTo(broken);
            });
    assertThat(decoder.json(new byte[] {'{', (byte) 0xC3, '}'}, NOW).rejections())
        .extracting(DecodedBody.Rejection::reason)
        .containsExactly(Reason.INVALID_UTF8);
    assertThat(decoder.json(utf8("\"text\""), NOW).rejections())
        .extracting(DecodedBody.Rejection::reason)
        .containsExactly(Reason.INVALID_JSON);
    assertThat(decoder.json(new byte[0], NOW).rejections())
        .extracting(DecodedBody.Rejection::reason)
        .containsExactly(Reason.INVALID_JSON);
  }

  @Test
  void ndjsonSkipsBlankLinesAndReportsLinesOnTheirOwn() {
    byte[] body = utf8("{\"text\":\"a\"}\r\n\n  \n{\"text\":\"b\"}\nnot json\n");
    DecodedBody decoded = decoder.ndjson(body, NOW);

    assertThat(decoded.size()).isEqualTo(3);
    assertThat(decoded.rejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.index()).isEqualTo(2);
              assertThat(r.line()).isEqualTo(5);
              assertThat(r.reason()).isEqualTo(Reason.INVALID_JSON);
              assertThat(r.payload()).isEqualTo(utf8("not json"));
            });
    assertThat(decoder.ndjson(utf8("{\"text\":\"a\"}\n{\"text\":\"b\"}\n"), NOW).requests())
        .extracting(InferenceRequest::text)
        .containsExactly("a", "b");
  }

  @Test
  void ndjsonFindsTheLineThatIsNotUtf8() {
    byte[] body = {
      '{', '"', 't', 'e', 'x', 't', '"', ':', '"', 'a', '"', '}', '\n', '"', (byte) 0xFF, '"'
    };

    assertThat(decoder.ndjson(body, NOW).rejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.index()).isEqualTo(1);
              assertThat(r.reason()).isEqualTo(Reason.INVALID_UTF8);
            });
  }

  @Test
  void moreItemsThanTheLimitAreRefusedAsAWhole() {
    assertThatThrownBy(() -> decoder.json(utf8("[{},{},{},{},{}]"), NOW))
        .isInstanceOf(TooManyItemsException.class);
    assertThatThrownBy(() -> decoder.ndjson(utf8("{}\n{}\n{}\n{}\n{}\n"), NOW))
        .isInstanceOf(TooManyItemsException.class);
    assertThatThrownBy(
            () ->
                decoder.predict(utf8("{\"instances\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"), null, NOW))
        .isInstanceOf(TooManyItemsException.class);
    assertThat(
            decoder
                .ndjson(
                    utf8(
                        "{\"text\":\"a\"}\n\n\n\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n\n{\"text\":\"d\"}"),
                    NOW)
                .valid())
        .isTrue();
  }

  @Test
  void predictTakesTextsAndObjectsAndPinsTheUrlsVersion() {
    DecodedBody decoded =
        decoder.predict(
            utf8("{\"instances\":[\"free cruise\",{\"id\":\"mine\",\"text\":\"hi\"}]}"), 3, NOW);

    assertThat(decoded.valid()).isTrue();
    assertThat(decoded.requests())
        .extracting(InferenceRequest::id)
        .containsExactly("gen-1", "mine");
    assertThat(decoded.requests())
        .extracting(InferenceRequest::text)
        .containsExactly("free cruise", "hi");
    assertThat(decoded.requests()).extracting(InferenceRequest::version).containsExactly(3, 3);
    assertThat(
            decoder.predict(utf8("{\"instances\":[\"a\"]}"), null, NOW).requests().get(0).version())
        .isNull();
  }

  @Test
  void predictRefusesWhatIsNotAnInstance() {
    assertThat(decoder.predict(utf8("{\"inputs\":[\"a\"]}"), null, NOW).rejections())
        .extracting(DecodedBody.Rejection::reason)
        .containsExactly(Reason.MISSING_FIELD);
    assertThat(decoder.predict(utf8("[\"a\"]"), null, NOW).rejections())
        .extracting(DecodedBody.Rejection::reason)
        .containsExactly(Reason.INVALID_JSON);
    assertThat(
            decoder
                .predict(utf8("{\"instances\":[\"a\",42,{\"text\":\"b\",\"version\":2}]}"), 3, NOW)
                .rejections())
        .extracting(DecodedBody.Rejection::index, DecodedBody.Rejection::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, Reason.INVALID_FIELD),
            org.assertj.core.groups.Tuple.tuple(2, Reason.INVALID_FIELD));
  }
}
