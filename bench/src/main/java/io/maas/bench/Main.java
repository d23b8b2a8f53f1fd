package io.maas.bench;

import io.maas.trainer.data.Example;
import io.maas.trainer.data.SpamAssassinCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The benchmarks behind {@code ./maas bench}: reads the flags and hands each subcommand to the
 * class that runs it; each prints Markdown for docs/BENCHMARKS.md.
 *
 * <pre>
 * bench limit --model MODEL.tar.gz --corpus DIR [--seconds 3] [--intra-op 1] [--inter-op 1]
 *     in-process model throughput at batch sizes 1 to 512, with the service's TensorFlow threads
 * bench e2e --kafka HOST:PORT --corpus DIR --label NAME (--count N | --rate R --seconds T) [--model spam]
 *           [--warmup 5000] [--window 1024]
 *     --count: closed loop, at most --window requests unanswered; --rate: open loop
 *     writes requests to maas.requests.MODEL as a producer would and reads maas.results.MODEL:
 *     throughput, latency from ingestedAt to the result observed (and to completedAt), batch
 *     sizes; a warm-up of unmeasured requests goes first
 * bench limit ... --json FILE, bench e2e ... --json FILE
 *     also write the run's numbers as JSON, for the charts
 * bench charts --runs DIR --out DIR
 *     latency.svg, throughput.svg, batches.svg from the limit.json and e2e-*.json in --runs
 * bench report --runs DIR --out FILE --model-version V --kafka-heap H --inference-heap H --ingest-heap H
 *              [--intra-op 1] [--inter-op -1] [--batch-size 64] [--batch-wait-ms 5]
 *     docs/BENCHMARKS.md from the JSON of every run in --runs (Report); the machine's cores,
 *     memory and Java are this JVM's
 * bench swap --kafka HOST:PORT --corpus DIR --registry URL --to VERSION --rate R [--seconds 60]
 *            [--warmup-seconds 15] [--model spam] [--inference URL] [--label NAME] [--json FILE] [--raw FILE]
 *     an open loop at R requests/s with a swap of production to VERSION in the middle of the
 *     measured seconds (PUT /v1/models/MODEL/deployment, with MAAS_ADMIN_TOKEN): the worst
 *     5-second-window p99 against the p99 before the swap, and that nothing was lost;
 *     with --control true instead of --to, the same run without the PUT (what noise alone gives)
 * bench cleanup --kafka HOST:PORT [--model spam]
 *     deletes the records of MODEL's requests, results and shadow topics up to their ends, never
 *     past a consumer group's committed offset (what the benchmark wrote, read by everyone)
 * bench predict --corpus DIR [--host 127.0.0.1 --http-port 8080 --grpc-port 8500 --model spam --concurrency 32
 *     --warmup-seconds 10 --seconds 20 --json FILE]
 *     HTTP :predict and gRPC Predict side by side: a closed loop of calls of one text each
 * bench drift --model MODEL.tar.gz --corpus DIR --foreign DIR [--windows 200]
 *     the monitor's drift checks on the model's answers to held-out mails, to README texts (another
 *     domain, one file per package under --foreign) and to a flood of one class
 * </pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if ("drift".equals(args[0])) {
      DriftExperiment.run(
          Path.of(flags.get("model")),
          SpamAssassinCorpus.load(Path.of(flags.get("corpus"))),
          Path.of(flags.get("foreign")),
          Integer.parseInt(flags.getOrDefault("windows", "200")));
      return;
    }
    if ("charts".equals(args[0])) {
      Charts.write(Path.of(flags.get("runs")), Path.of(flags.get("out")));
      return;
    }
    if ("swap".equals(args[0])) {
      SwapExperiment.run(flags, shuffledTexts(flags));
      return;
    }
    if ("predict".equals(args[0])) {
      PredictExperiment.run(flags, shuffledTexts(flags));
      return;
    }
    if ("report".equals(args[0])) {
      Report.write(Path.of(flags.get("runs")), Path.of(flags.get("out")), ReportSetting.of(flags));
      return;
    }
    if ("cleanup".equals(args[0])) {
      Cleanup.run(flags.get("kafka"), flags.getOrDefault("model", "spam"));
      return;
    }
    List<String> texts = shuffledTexts(flags);
    switch (args[0]) {
      case "limit" ->
          LimitRun.limit(
              Path.of(flags.get("model")),
              texts,
              Double.parseDouble(flags.getOrDefault("seconds", "3")),
              Integer.parseInt(flags.getOrDefault("intra-op", "1")),
              Integer.parseInt(flags.getOrDefault("inter-op", "1")),
              flags.containsKey("json") ? Path.of(flags.get("json")) : null);
      case "e2e" -> EndToEndRun.run(flags, texts);
      default ->
          throw new IllegalArgumentException(
              "usage: bench limit|e2e|swap|predict|drift|charts|report|cleanup ...");
    }
  }

  /**
   * The corpus comes grouped by folder, long messages together; a stream mixes them. One seeded
   * order serves every run, so runs stay comparable.
   */
  static List<String> shuffledTexts(Map<String, String> flags) {
    List<String> texts =
        new ArrayList<>(
            SpamAssassinCorpus.load(Path.of(flags.get("corpus"))).stream()
                .map(Example::text)
                .toList());
    Collections.shuffle(texts, new Random(42));
    return texts;
  }
}
