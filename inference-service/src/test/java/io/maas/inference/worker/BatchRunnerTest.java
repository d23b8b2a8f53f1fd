package io.maas.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.EventException;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.Reason;
import io.maas.common.event.Role;
import io.maas.common.kafka.Topics;
import io.maas.inference.model.FakeModels;
import io.maas.inference.model.ServedModel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** What one batch sends: results, the shadow's and the control's answers, and a dead letter for each request that has one. */
class BatchRunnerTest {

  private final String model = "runner-" + System.nanoTime();
  private final AtomicInteger calls = new AtomicInteger();

  /** Answers spam, but fails any call with a text containing "poison". */
  private final class Poisonable extends FakeModels.FakePredictor {
    Poisonable() {
      super(0.3f, 0.7f);
    }

    @Override
    public float[][] predict(List<String> texts) {
      calls.incrementAndGet();
      if (texts.stream().anyMatch(t -> t.contains("poison"))) {
        throw new IllegalArgumentException("cannot read this text");
      }
      return super.predict(texts);
    }
  }

  private Pending request(String id, String text, Integer version) {
    InferenceRequest request = new InferenceRequest(id, model, text, 0L, version, Map.of());
    return new Pending(
        new ConsumerRecord<>(Topics.requests(model), 0, 0, id, request.toBuffer().getBytes()),
        request,
        null,
        0,
        0,
        () -> {},
        null,
        null);
  }

  private Pending refused(String id) {
    byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
    return new Pending(
        new ConsumerRecord<>(Topics.requests(model), 0, 0, id, value),
        null,
        new EventException(Reason.INVALID_JSON, "the request is not JSON"),
        0,
        0,
        () -> {},
        null,
        null);
  }

  private List<ProducerRecord<String, byte[]>> run(ServedModel.Slots slots, List<Pending> batch) {
    return new BatchRunner(m -> m.equals(model) ? slots : null, "worker-1").run(model, batch);
  }

  private static List<InferenceResult> results(
      List<ProducerRecord<String, byte[]>> out, String topic) {
    return out.stream()
        .filter(r -> r.topic().equals(topic))
        .map(r -> InferenceResult.decode(r.value()))
        .toList();
  }

  private static List<DeadLetter> deadLetters(List<ProducerRecord<String, byte[]>> out) {
    return out.stream()
        .filter(r -> r.topic().equals(Topics.DEAD_LETTERS))
        .map(r -> DeadLetter.decode(r.value()))
        .toList();
  }

  @Test
  void aFailingRequestIsIsolatedAndDeadLetteredAloneWhileTheRestOfItsBatchIsAnswered() {
    ServedModel.Slots slots =
        new ServedModel.Slots(
            1,
            FakeModels.served(model, 1, new Poisonable()),
            null,
            0,
            FakeModels.served(model, 3, new Poisonable()));
    List<Pending> batch = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      batch.add(request("r" + i, i == 4 ? "poison pill" : "hello " + i, null));
    }
    batch.add(refused("bad"));
    batch.add(request("pinned", "hello", 9));

    List<ProducerRecord<String, byte[]>> out = run(slots, batch);

    assertThat(results(out, Topics.results(model)))
        .extracting(
            InferenceResult::id,
            InferenceResult::version,
            InferenceResult::role,
            InferenceResult::label,
            InferenceResult::worker)
        .containsExactlyInAnyOrder(
            tuple("r0", 1, Role.PRODUCTION, "spam", "worker-1"),
            tuple("r1", 1, Role.PRODUCTION, "spam", "worker-1"),
            tuple("r2", 1, Role.PRODUCTION, "spam", "worker-1"),
            tuple("r3", 1, Role.PRODUCTION, "spam", "worker-1"),
            tuple("r5", 1, Role.PRODUCTION, "spam", "worker-1"),
            tuple("r6", 1, Role.PRODUCTION, "spam", "worker-1"));
    assertThat(results(out, Topics.shadow(model)))
        .as("the shadow answers on its topic, and dead-letters nothing")
        .extracting(InferenceResult::id, InferenceResult::version, InferenceResult::role)
        .containsExactlyInAnyOrder(
            tuple("r0", 3, Role.SHADOW),
            tuple("r1", 3, Role.SHADOW),
            tuple("r2", 3, Role.SHADOW),
            tuple("r3", 3, Role.SHADOW),
            tuple("r5", 3, Role.SHADOW),
            tuple("r6", 3, Role.SHADOW));
    assertThat(deadLetters(out))
        .extracting(DeadLetter::id, DeadLetter::reason, DeadLetter::version)
        .containsExactlyInAnyOrder(
            tuple("bad", "invalid_json", null),
            tuple("pinned", "unknown_version", null),
            tuple("r4", "model_failure", 1));
    assertThat(out).hasSize(6 + 6 + 3);
  }

  @Test
  void theControlAnswersTheCanarysRequestsOnTheShadowTopicAndNeverDeadLetters() {
    ServedModel production = FakeModels.served(model, 1, new Poisonable());
    ServedModel canary = FakeModels.served(model, 2, new FakeModels.FakePredictor(0.6f, 0.4f));
    ServedModel.Slots slots = new ServedModel.Slots(1, production, canary, 0, null);

    List<ProducerRecord<String, byte[]>> out =
        run(slots, List.of(request("c1", "hello", 2), request("c2", "poison", 2)));

    assertThat(results(out, Topics.results(model)))
        .extracting(
            InferenceResult::id,
            InferenceResult::version,
            InferenceResult::role,
            InferenceResult::label)
        .containsExactlyInAnyOrder(
            tuple("c1", 2, Role.CANARY, "ham"), tuple("c2", 2, Role.CANARY, "ham"));
    assertThat(results(out, Topics.shadow(model)))
        .extracting(InferenceResult::id, InferenceResult::version, InferenceResult::role)
        .containsExactly(tuple("c1", 1, Role.PRODUCTION));
    assertThat(deadLetters(out)).isEmpty();
  }

  @Test
  void aVersionSwappedOutBetweenRoutingAndItsCallIsReplacedByTheOneServingItsRoleNow() {
    ServedModel retired = FakeModels.served(model, 1);
    ServedModel.Slots routedOn = new ServedModel.Slots(1, retired, null, 0, null);
    ServedModel.Slots now = new ServedModel.Slots(2, FakeModels.served(model, 2), null, 0, null);
    AtomicInteger reads = new AtomicInteger();
    // the runner routes on the slots it reads first; the swap lands before the model call
    BatchRunner runner =
        new BatchRunner(m -> reads.getAndIncrement() == 0 ? routedOn : now, "worker-1");
    FakeModels.retire(retired);

    List<ProducerRecord<String, byte[]>> out =
        runner.run(model, List.of(request("x", "hello", null)));

    assertThat(results(out, Topics.results(model)))
        .extracting(InferenceResult::id, InferenceResult::version)
        .containsExactly(tuple("x", 2));
    assertThat(reads).hasValue(2);
  }
}
