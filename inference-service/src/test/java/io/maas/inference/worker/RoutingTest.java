package io.maas.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.Role;
import io.maas.inference.model.FakeModels;
import io.maas.inference.model.ServedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Pinned versions, the canary's share and the shadow, without a broker or a model. */
class RoutingTest {

  private static final ServedModel V1 = FakeModels.served("spam", 1);
  private static final ServedModel V2 = FakeModels.served("spam", 2);
  private static final ServedModel V3 = FakeModels.served("spam", 3);

  private static Pending request(String id, Integer version) {
    InferenceRequest request =
        new InferenceRequest(id, "spam", "free money", 0L, version, Map.of());
    return new Pending(null, request, null, 0, 0, () -> {}, null, null);
  }

  private static List<Pending> unpinned(int count) {
    return IntStream.range(0, count).mapToObj(i -> request("id-" + i, null)).toList();
  }

  @Test
  void withoutACanaryProductionAnswersEveryRequestOnce() {
    List<Pending> batch = unpinned(50);

    Routing.Plan plan = Routing.plan(batch, new ServedModel.Slots(1, V1, null, 0, null));

    assertThat(plan.unknownVersion()).isEmpty();
    assertThat(plan.calls())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.served()).isSameAs(V1);
              assertThat(call.role()).isEqualTo(Role.PRODUCTION);
              assertThat(call.purpose()).isEqualTo(Routing.Purpose.ANSWER);
              assertThat(call.requests()).containsExactlyElementsOf(batch);
            });
  }

  @Test
  void aPinnedRequestGoesToTheSlotServingItsVersionAndAnUnservedVersionToNone() {
    Pending toProduction = request("a", 1);
    Pending toCanary = request("b", 2);
    Pending toShadowOnly = request("c", 3);
    Pending unknown = request("d", 9);
    // weight 0: only a pinned request reaches the canary
    ServedModel.Slots slots = new ServedModel.Slots(1, V1, V2, 0, V3);

    Routing.Plan plan = Routing.plan(List.of(toProduction, toCanary, toShadowOnly, unknown), slots);

    assertThat(plan.unknownVersion()).containsExactly(toShadowOnly, unknown);
    assertThat(plan.calls())
        .extracting(
            Routing.Call::served, Routing.Call::role, Routing.Call::purpose, Routing.Call::requests)
        .containsExactly(
            tuple(V1, Role.PRODUCTION, Routing.Purpose.ANSWER, List.of(toProduction)),
            tuple(V2, Role.CANARY, Routing.Purpose.ANSWER, List.of(toCanary)),
            tuple(V1, Role.PRODUCTION, Routing.Purpose.CONTROL, List.of(toCanary)),
            tuple(V3, Role.SHADOW, Routing.Purpose.SHADOW, List.of(toProduction, toCanary)));
  }

  @Test
  void theCanaryAnswersItsShareOfIdsTheSameOnEveryCall() {
    List<Pending> batch = unpinned(4000);
    ServedModel.Slots slots = new ServedModel.Slots(1, V1, V2, 0.1, null);

    Routing.Plan plan = Routing.plan(batch, slots);
    Routing.Plan again = Routing.plan(batch, slots);

    List<Pending> canary =
        plan.calls().stream()
            .filter(c -> c.role() == Role.CANARY)
            .findFirst()
            .orElseThrow()
            .requests();
    assertThat(canary.size()).isBetween(330, 470);
    assertThat(again.calls()).isEqualTo(plan.calls());
    assertThat(canary).allSatisfy(p -> assertThat(Routing.unit(p.request().id())).isLessThan(0.1));
    // every canary answer has production's control answer, and nothing else has one
    assertThat(plan.calls())
        .filteredOn(c -> c.purpose() == Routing.Purpose.CONTROL)
        .singleElement()
        .satisfies(control -> assertThat(control.requests()).containsExactlyElementsOf(canary));
    List<Pending> answered = new ArrayList<>();
    plan.calls().stream()
        .filter(c -> c.purpose() == Routing.Purpose.ANSWER)
        .forEach(c -> answered.addAll(c.requests()));
    assertThat(answered).hasSize(batch.size()).containsExactlyInAnyOrderElementsOf(batch);
  }

  @Test
  void aFullWeightCanaryAnswersAllButRequestsPinnedToProduction() {
    Pending pinned = request("pinned", 1);
    List<Pending> batch = new ArrayList<>(unpinned(20));
    batch.add(pinned);

    Routing.Plan plan = Routing.plan(batch, new ServedModel.Slots(1, V1, V2, 1.0, null));

    assertThat(plan.calls())
        .filteredOn(c -> c.purpose() == Routing.Purpose.ANSWER)
        .extracting(Routing.Call::role, c -> c.requests().size())
        .containsExactly(tuple(Role.PRODUCTION, 1), tuple(Role.CANARY, 20));
  }

  @Test
  void theShadowAnswersEveryRoutedRequestAndNothingWhenNoneIsRouted() {
    List<Pending> batch = unpinned(10);
    ServedModel.Slots slots = new ServedModel.Slots(1, V1, null, 0, V3);

    assertThat(Routing.plan(batch, slots).calls())
        .filteredOn(c -> c.purpose() == Routing.Purpose.SHADOW)
        .singleElement()
        .satisfies(
            shadow -> {
              assertThat(shadow.served()).isSameAs(V3);
              assertThat(shadow.requests()).containsExactlyElementsOf(batch);
            });
    assertThat(Routing.plan(List.of(request("x", 7)), slots).calls()).isEmpty();
  }

  @Test
  void theUnitOfAnIdIsStableAndWithinZeroAndOne() {
    assertThat(Routing.unit("request-42"))
        .isEqualTo(Routing.unit("request-42"))
        .isBetween(0.0, 1.0)
        .isLessThan(1.0);
    assertThat(Routing.unit("request-42")).isNotEqualTo(Routing.unit("request-43"));
  }
}
