package io.maas.bench;

import io.maas.common.event.InferenceResult;
import io.maas.common.kafka.KafkaClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A version swap under load, as a user feels it: an open loop of requests written straight to
 * {@code maas.requests.<model>}, and in the middle of the measured seconds a
 * {@code PUT /v1/models/<model>/deployment} that makes another version production. Reports the
 * p99 of the requests sent before the swap (steady), the worst p99 of a 5-second window of
 * requests that holds requests sent at or after the PUT (windows start every second; by the time
 * a request was sent; until the end of the run, so after-effects count), the worst window before
 * the PUT (what noise alone does to the same comparison), and whether the swap lost anything:
 * every request answered once, and no answer from the old version completed after the first from
 * the new one.
 *
 * <p>The first {@code --warmup-seconds} of the stream are sent and checked but not measured, so
 * that every JVM has compiled the paths of this regime. The HTTP calls are
 * {@link DeploymentClient}'s, the windows' arithmetic {@link SwapWindows}'.
 */
final class SwapExperiment {

  private SwapExperiment() {}

  static void run(Map<String, String> flags, List<String> texts) throws Exception {
    String model = flags.getOrDefault("model", "spam");
    String registry = flags.get("registry");
    String inference = flags.get("inference");
    // the control: the same stream and measurement, no PUT; what noise alone does to the ratio
    boolean control = Boolean.parseBoolean(flags.getOrDefault("control", "false"));
    int to = control ? -1 : Integer.parseInt(flags.get("to"));
    double rate = Double.parseDouble(flags.get("rate"));
    double seconds = Double.parseDouble(flags.getOrDefault("seconds", "60"));
    double warmupSeconds = Double.parseDouble(flags.getOrDefault("warmup-seconds", "15"));
    String label =
        flags.getOrDefault(
            "label", (control ? "no swap" : "swap to v" + to) + ", " + Math.round(rate) + "/s");
    String token = System.getenv("MAAS_ADMIN_TOKEN");
    if (!control && (registry == null || token == null || token.isBlank())) {
      throw new IllegalArgumentException(
          "bench swap needs --registry URL and MAAS_ADMIN_TOKEN in the environment");
    }
    int total = (int) (rate * (warmupSeconds + seconds));
    KafkaClients clients = BenchKafka.clients(flags.get("kafka"));
    BenchRequests requests = new BenchRequests(model, texts);
    DeploymentClient deployments = new DeploymentClient();
    if (!control && inference != null && deployments.production(inference, model) == to) {
      throw new IllegalArgumentException(
          "v" + to + " of " + model + " is production already: nothing would be swapped");
    }

    long[] ingestedAt = new long[total];
    long[] observed = new long[total];
    long[] completedAt = new long[total];
    int[] version = new int[total];
    Arrays.fill(version, -1);
    int duplicates = 0;
    int received = 0;
    long[] swap =
        new long[3]; // PUT sent, PUT answered, status shows the new version (epoch ms; 0: not seen)

    try (KafkaConsumer<String, byte[]> consumer = BenchKafka.resultsFromNow(clients, model);
        KafkaProducer<String, byte[]> producer = BenchKafka.requestsProducer(clients)) {

      String prefix = "swap-" + System.currentTimeMillis() + "-";
      long startNanos = System.nanoTime();
      long startMillis = System.currentTimeMillis();
      Thread sending =
          new Thread(
              () -> {
                for (int i = 0; i < total; i++) {
                  long wait = startNanos + (long) (i * 1e9 / rate) - System.nanoTime();
                  if (wait > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  requests.send(producer, i, prefix + i);
                }
                producer.flush();
              },
              "bench-sender");
      Thread swapping =
          new Thread(
              () -> {
                // the client's first calls (connections, class loading, JIT) happen in the warm-up,
                // not at the PUT
                if (inference != null) {
                  deployments.production(inference, model);
                }
                LockSupport.parkNanos(
                    startNanos + (long) ((warmupSeconds + seconds / 2) * 1e9) - System.nanoTime());
                swap[0] = System.currentTimeMillis();
                if (control) {
                  swap[1] = swap[0];
                  return;
                }
                deployments.deploy(registry, token, model, to);
                swap[1] = System.currentTimeMillis();
                if (inference != null) {
                  swap[2] = deployments.awaitServing(inference, model, to, swap[0] + 120_000);
                }
              },
              "bench-swap");
      sending.start();
      swapping.start();

      long deadline =
          startNanos + (long) ((warmupSeconds + seconds) * 1e9) + TimeUnit.SECONDS.toNanos(60);
      while (received < total && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.key() == null || !record.key().startsWith(prefix)) {
            continue;
          }
          long now = System.currentTimeMillis();
          int i = Integer.parseInt(record.key().substring(prefix.length()));
          if (version[i] >= 0) {
            duplicates++;
            continue;
          }
          InferenceResult result = InferenceResult.decode(record.value());
          ingestedAt[i] = result.ingestedAt();
          observed[i] = now;
          completedAt[i] = result.completedAt();
          version[i] = result.version();
          received++;
        }
      }
      sending.join();
      swapping.join();

      long measuredFrom = startMillis + (long) (warmupSeconds * 1000);
      SwapWindows report =
          SwapWindows.of(ingestedAt, observed, completedAt, version, to, measuredFrom, swap[0]);
      long swapMillis = swap[2] == 0 ? -1 : swap[2] - swap[0];
      JsonObject json =
          new JsonObject()
              .put("label", label)
              .put("kind", "swap")
              .put("control", control)
              .put("putAt", swap[0])
              .put("offered", rate)
              .put("to", to)
              .put("sent", total)
              .put("results", received)
              .put("lost", total - received)
              .put("duplicates", duplicates)
              .put("oldAfterNew", report.oldAfterNew())
              .put("steadyP99", report.steadyP99())
              .put("worstWindowP99", report.worstP99())
              .put("worstWindowFromSwapMillis", report.worstStart() - swap[0])
              .put("ratio", report.ratio())
              .put("worstWindowBeforeSwapP99", report.worstBeforeP99())
              .put("swapMillis", swapMillis)
              .put("putMillis", swap[1] - swap[0])
              .put("seconds", new JsonArray(new ArrayList<>(report.seconds())));
      System.out.println(ReportRows.swapRow(json));
      if (control) {
        System.err.printf(
            Locale.ROOT,
            "control: no PUT; seconds counted from +%.1f s%n",
            (swap[0] - startMillis) / 1000.0);
      } else {
        System.err.printf(
            Locale.ROOT,
            "swap: PUT at +%.1f s (answered in %d ms), v%d serving after %s ms%n",
            (swap[0] - startMillis) / 1000.0,
            swap[1] - swap[0],
            to,
            swapMillis < 0 ? "?" : String.valueOf(swapMillis));
      }
      System.err.println("second from the PUT | results | p50 ms | p99 ms | max ms | versions");
      for (JsonObject s : report.seconds()) {
        if (s.getInteger("second") >= -5 && s.getInteger("second") <= 15) {
          System.err.printf(
              Locale.ROOT,
              "%+d | %d | %d | %d | %d | %s%n",
              s.getInteger("second"),
              s.getInteger("results"),
              s.getLong("p50"),
              s.getLong("p99"),
              s.getLong("max"),
              s.getJsonObject("versions").encode());
        }
      }
      if (flags.containsKey("raw")) {
        // one line per answered request, for a closer look:
        // sent, observed, completed (epoch ms), version
        StringBuilder raw = new StringBuilder("ingestedAt,observed,completedAt,version\n");
        for (int i = 0; i < total; i++) {
          if (version[i] >= 0) {
            raw.append(ingestedAt[i])
                .append(',')
                .append(observed[i])
                .append(',')
                .append(completedAt[i])
                .append(',')
                .append(version[i])
                .append('\n');
          }
        }
        Files.writeString(Path.of(flags.get("raw")), raw);
      }
      if (flags.containsKey("json")) {
        Files.writeString(Path.of(flags.get("json")), json.encodePrettily());
      }
    }
  }
}
