package io.maas.inference.worker;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.Role;
import io.maas.inference.model.ServedModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which version answers each request of a batch, in which role, and where its answer goes: a pure
 * rule over one model's {@link ServedModel.Slots}, tested without a broker or a model.
 *
 * <ul>
 *   <li>A request pinned to a version goes to the slot serving that version, production or
 *       canary; when neither serves it, no version answers (the request is dead-lettered).
 *   <li>Otherwise the canary answers a stable share of ids ({@link #unit}) below its weight, and
 *       production the rest: a caller sticks to one version on every instance.
 *   <li>Production also answers the canary's requests, on the shadow topic, as the control the
 *       monitor compares the canary with; they cost production the canary's share of work.
 *   <li>A shadow answers every request that a version answers, on the shadow topic only.
 * </ul>
 */
public final class Routing {

  /** Where a call's answers go and what they count for. */
  public enum Purpose {
    /** The answer: on the results topic, counted in the metrics, a failure dead-lettered. */
    ANSWER,
    /** Production's answer to a canary's request: on the shadow topic, counted in no metric, never dead-lettered. */
    CONTROL,
    /** A shadow's answer: on the shadow topic, counted in the metrics, never dead-lettered. */
    SHADOW
  }

  /** One model call of a batch: the requests one version answers in one role, in batch order. */
  public record Call(ServedModel served, Role role, Purpose purpose, List<Pending> requests) {}

  /**
   * @param unknownVersion requests pinned to a version that serves no role, in batch order
   * @param calls the answers first (one call per version), then the control, then the shadow
   */
  public record Plan(List<Pending> unknownVersion, List<Call> calls) {}

  private Routing() {}

  /** Routes the decoded requests of one batch ({@link Pending#request()} not null). */
  public static Plan plan(List<Pending> decoded, ServedModel.Slots slots) {
    List<Pending> unknown = new ArrayList<>();
    List<Pending> routed = new ArrayList<>(decoded.size());
    List<Pending> production = new ArrayList<>();
    List<Pending> canary = new ArrayList<>();
    for (Pending pending : decoded) {
      Role role = route(pending.request(), slots);
      if (role == null) {
        unknown.add(pending);
        continue;
      }
      routed.add(pending);
      (role == Role.CANARY ? canary : production).add(pending);
    }
    List<Call> calls = new ArrayList<>(4);
    if (!production.isEmpty()) {
      calls.add(new Call(slots.production(), Role.PRODUCTION, Purpose.ANSWER, production));
    }
    if (!canary.isEmpty()) {
      calls.add(new Call(slots.canary(), Role.CANARY, Purpose.ANSWER, canary));
      calls.add(new Call(slots.production(), Role.PRODUCTION, Purpose.CONTROL, canary));
    }
    if (slots.shadow() != null && !routed.isEmpty()) {
      calls.add(new Call(slots.shadow(), Role.SHADOW, Purpose.SHADOW, routed));
    }
    return new Plan(unknown, calls);
  }

  /** The role whose version answers a request: production or canary, or null when it is pinned to neither's version. */
  public static Role route(InferenceRequest request, ServedModel.Slots slots) {
    if (request.version() != null) {
      if (slots.production().version() == request.version()) {
        return Role.PRODUCTION;
      }
      if (slots.canary() != null && slots.canary().version() == request.version()) {
        return Role.CANARY;
      }
      return null;
    }
    if (slots.canary() != null && unit(request.id()) < slots.canaryWeight()) {
      return Role.CANARY;
    }
    return Role.PRODUCTION;
  }

  /** The same number in [0, 1) for the same id on every instance, so a caller sticks to one version. */
  public static double unit(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return (ByteBuffer.wrap(digest).getLong() >>> 11) / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
