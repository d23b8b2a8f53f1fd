package io.maas.inference.worker;

import static io.maas.inference.worker.InferenceMetrics.BATCH_SECONDS;
import static io.maas.inference.worker.InferenceMetrics.BATCH_SIZE;
import static io.maas.inference.worker.InferenceMetrics.E2E_SECONDS;
import static io.maas.inference.worker.InferenceMetrics.PREDICTIONS;
import static io.maas.inference.worker.InferenceMetrics.QUEUE_SECONDS;
import static io.maas.inference.worker.InferenceMetrics.REQUESTS;

import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.Reason;
import io.maas.common.event.Role;
import io.maas.common.kafka.Topics;
import io.maas.common.metrics.MaasMetrics;
import io.maas.inference.model.ModelManager;
import io.maas.inference.model.ServedModel;
import io.prometheus.client.Histogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Runs one batch of one model: routes it ({@link Routing}), makes one TensorFlow call per version
 * that answers part of it, splits a failing call in halves until the failing requests are alone,
 * and builds the results and dead letters to send. Sends nothing: the worker hands the outputs to
 * its sink. Runs on the model worker's thread only; a version is held ({@link ServedModel#acquire})
 * for the length of its call, so that a swap never closes it underneath.
 *
 * <p>Every result carries the {@link io.maas.common.profile.TextDescriptors} of its request against
 * the answering version's training vocabulary; the consumer's thread computes them for the
 * production version while it decodes, so that this thread only computes them for a canary or a shadow.
 */
final class BatchRunner {

  private final Function<String, ServedModel.Slots> slots;
  private final String worker;

  /**
   * @param slots the serving slots of a model, or null while none is loaded ({@link ModelManager#slots})
   * @param worker this instance's name, written into every result
   */
  BatchRunner(Function<String, ServedModel.Slots> slots, String worker) {
    this.slots = slots;
    this.worker = worker;
  }

  /** The batch's results and dead letters, in the order to send them. */
  List<ProducerRecord<String, byte[]>> run(String model, List<Pending> batch) {
    long started = System.nanoTime();
    BATCH_SIZE.labels(model).observe(batch.size());
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>(batch.size() + 4);
    ServedModel.Slots served = slots.apply(model);
    if (served == null) {
      // undeployed since the batch was cut: read these again once the subscription has settled
      throw new IllegalStateException("model " + model + " is no longer served");
    }
    List<Pending> decoded = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      QUEUE_SECONDS.labels(model).observe((started - pending.receivedNanos()) / 1e9);
      if (pending.refused() != null) {
        out.add(
            deadLetter(
                model,
                pending.record().key(),
                pending.refused().reason(),
                pending.refused().getMessage(),
                pending.record().value(),
                null));
      } else {
        decoded.add(pending);
      }
    }
    Routing.Plan plan = Routing.plan(decoded, served);
    for (Pending pending : plan.unknownVersion()) {
      out.add(
          deadLetter(
              model,
              pending.request().id(),
              Reason.UNKNOWN_VERSION,
              "version " + pending.request().version() + " of " + model + " is not deployed",
              pending.record().value(),
              null));
    }
    for (Routing.Call call : plan.calls()) {
      classify(model, call, out);
    }
    return out;
  }

  private void classify(String model, Routing.Call call, List<ProducerRecord<String, byte[]>> out) {
    ServedModel served = call.served();
    if (!served.acquire()) {
      // swapped out between routing and here: the slot's replacement answers
      ServedModel.Slots now = slots.apply(model);
      ServedModel replacement = now == null ? null : now.of(call.role());
      if (replacement == null || !replacement.acquire()) {
        throw new IllegalStateException(
            "model " + model + " lost its " + call.role().code() + " version during a batch");
      }
      served = replacement;
    }
    try {
      String topic =
          call.purpose() == Routing.Purpose.ANSWER ? Topics.results(model) : Topics.shadow(model);
      isolate(
          model,
          served,
          call.requests(),
          call.role(),
          topic,
          call.purpose() == Routing.Purpose.CONTROL,
          out);
    } finally {
      served.release();
    }
  }

  /**
   * One call for the requests; a failing call is split in halves until the failing requests are alone.
   *
   * @param control a comparison answer for the monitor: counted in no metric, never a dead letter
   */
  private void isolate(
      String model,
      ServedModel served,
      List<Pending> requests,
      Role role,
      String topic,
      boolean control,
      List<ProducerRecord<String, byte[]>> out) {
    long started = System.nanoTime();
    float[][] probabilities;
    try {
      probabilities = served.predict(requests.stream().map(r -> r.request().text()).toList());
    } catch (RuntimeException e) {
      if (requests.size() > 1) {
        int half = requests.size() / 2;
        isolate(model, served, requests.subList(0, half), role, topic, control, out);
        isolate(model, served, requests.subList(half, requests.size()), role, topic, control, out);
        return;
      }
      if (control) {
        return;
      }
      REQUESTS.labels(model, String.valueOf(served.version()), role.code(), "error").inc();
      if (role != Role.SHADOW) {
        InferenceRequest r = requests.get(0).request();
        out.add(
            deadLetter(
                model,
                r.id(),
                Reason.MODEL_FAILURE,
                "model "
                    + model
                    + " v"
                    + served.version()
                    + " failed on this request: "
                    + e.getMessage(),
                r.toBuffer().getBytes(),
                served.version()));
      }
      return;
    }
    String version = String.valueOf(served.version());
    if (!control) {
      BATCH_SECONDS.labels(model, version).observe((System.nanoTime() - started) / 1e9);
    }
    results(model, served, requests, role, topic, control, probabilities, out);
  }

  private void results(
      String model,
      ServedModel served,
      List<Pending> requests,
      Role role,
      String topic,
      boolean control,
      float[][] probabilities,
      List<ProducerRecord<String, byte[]>> out) {
    String version = String.valueOf(served.version());
    long completedAt = System.currentTimeMillis();
    List<String> classes = served.classes();
    Histogram.Child latency = E2E_SECONDS.labels(model, version);
    long[] predicted = new long[classes.size()];
    for (int i = 0; i < requests.size(); i++) {
      Pending pending = requests.get(i);
      InferenceRequest request = pending.request();
      Map<String, Double> scores = new LinkedHashMap<>();
      int best = 0;
      for (int c = 0; c < classes.size(); c++) {
        scores.put(classes.get(c), (double) probabilities[i][c]);
        if (probabilities[i][c] > probabilities[i][best]) {
          best = c;
        }
      }
      predicted[best]++;
      if (!control) {
        latency.observe(Math.max(0, completedAt - request.ingestedAt()) / 1000.0);
      }
      InferenceResult result =
          new InferenceResult(
              request.id(),
              model,
              served.version(),
              role,
              classes.get(best),
              scores,
              request.ingestedAt(),
              completedAt,
              requests.size(),
              worker,
              pending.descriptors(served.vocabulary()));
      out.add(new ProducerRecord<>(topic, request.id(), result.toBuffer().getBytes()));
    }
    if (control) {
      return;
    }
    for (int c = 0; c < predicted.length; c++) {
      if (predicted[c] > 0) {
        PREDICTIONS.labels(model, version, classes.get(c)).inc(predicted[c]);
      }
    }
    REQUESTS.labels(model, version, role.code(), "ok").inc(requests.size());
  }

  /** @param version the version that failed on the request, or null when none is to blame */
  private static ProducerRecord<String, byte[]> deadLetter(
      String model, String id, Reason reason, String error, byte[] payload, Integer version) {
    MaasMetrics.DEAD_LETTERS.labels(model, "inference", reason.code()).inc();
    REQUESTS.labels(model, "", "", "dead_letter").inc();
    DeadLetter letter =
        DeadLetter.of(id, model, "inference", reason, error, payload, System.currentTimeMillis());
    if (version != null) {
      letter = letter.withVersion(version);
    }
    return new ProducerRecord<>(Topics.DEAD_LETTERS, id, letter.toBuffer().getBytes());
  }
}
