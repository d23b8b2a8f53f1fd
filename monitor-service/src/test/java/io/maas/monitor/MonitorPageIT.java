package io.maas.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.common.event.DeadLetter;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Reason;
import io.maas.common.event.Role;
import io.maas.common.kafka.TopicProvisioner;
import io.maas.common.kafka.TopicSpec;
import io.maas.common.kafka.Topics;
import io.maas.monitor.config.MonitorConfig;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.KafkaExtension;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page in a real headless Chromium, against the monitor reading the real broker: a
 * production version and a shadow, dead letters; the page shows the model, its versions,
 * their exact counts, label mix, the shadow's agreement and the dead letters by reason, logs
 * no error, and says so when the stream drops. Leaves a screenshot in
 * {@code target/monitor-page.png} for people to look at.
 */
@ExtendWith({VertxExtension.class, KafkaExtension.class})
class MonitorPageIT {

  private static final int PRODUCTION = 360;
  private static final int SHADOW = 240;
  private static final String SHA = "ab".repeat(32);

  @Test
  void theLivePageShowsWhatKafkaHolds(Vertx vertx, TestKafka kafka, @TempDir Path dir)
      throws Exception {
    HeadlessChromium.binary();
    String model = TestKafka.unique("page");
    List<TopicSpec> topics =
        new ArrayList<>(Topics.modelSpecs(model, 2, io.maas.common.kafka.Retention.DEFAULT));
    topics.add(Topics.modelsSpec());
    topics.add(Topics.deadLettersSpec());
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(admin).ensureBlocking(topics);
    }

    long now = System.currentTimeMillis();
    int ham = 0;
    int agreeing = 0;
    try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
      producer.send(
          new ProducerRecord<>(
              Topics.MODELS,
              model,
              new ModelDeployment(
                      model,
                      1,
                      new ModelDeployment.Slot(1, "http://registry/a1", SHA, null),
                      null,
                      new ModelDeployment.Slot(2, "http://registry/a2", SHA, null),
                      now)
                  .toBuffer()
                  .getBytes()));
      for (int i = 0; i < PRODUCTION; i++) {
        // answered over the last two minutes, well inside the page's default window of five
        long completed = now - 120_000 + i * (120_000L / PRODUCTION);
        String label = i % 3 == 0 ? "spam" : "ham";
        ham += label.equals("ham") ? 1 : 0;
        producer.send(
            new ProducerRecord<>(
                Topics.results(model),
                "p-" + i,
                result(
                    "p-" + i,
                    model,
                    1,
                    Role.PRODUCTION,
                    label,
                    0.6 + (i % 40) / 100.0,
                    completed,
                    5 + i % 30)));
        if (i < SHADOW) {
          String shadowLabel = i % 10 == 0 ? (label.equals("ham") ? "spam" : "ham") : label;
          agreeing += shadowLabel.equals(label) ? 1 : 0;
          producer.send(
              new ProducerRecord<>(
                  Topics.shadow(model),
                  "p-" + i,
                  result(
                      "p-" + i,
                      model,
                      2,
                      Role.SHADOW,
                      shadowLabel,
                      0.55 + (i % 45) / 100.0,
                      completed + 3,
                      8 + i % 40)));
        }
      }
      for (Reason reason :
          List.of(Reason.INVALID_JSON, Reason.INVALID_JSON, Reason.TEXT_TOO_LONG)) {
        producer.send(
            new ProducerRecord<>(
                Topics.DEAD_LETTERS,
                "d-" + reason,
                DeadLetter.of(
                        "d-" + reason,
                        model,
                        "ingest",
                        reason,
                        "rejected by the test",
                        "{not json".getBytes(StandardCharsets.UTF_8),
                        now)
                    .toBuffer()
                    .getBytes()));
      }
      producer.flush();
    }

    String group = TestKafka.unique("page-monitor");
    MonitorConfig config =
        MonitorConfig.from(
            Settings.load(
                MonitorConfig.DEFAULTS,
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS",
                    kafka.bootstrapServers(),
                    "MAAS_MONITOR_PORT",
                    "0",
                    "MAAS_HOME",
                    dir.toString(),
                    "MAAS_MONITOR_GROUP",
                    group,
                    "MAAS_MONITOR_INTERVAL_MS",
                    "1000",
                    // nothing listens there: both versions get a profile from their first answers,
                    // and drift is judged
                    "MAAS_REGISTRY_URL",
                    "http://127.0.0.1:9",
                    "MAAS_MONITOR_PROFILE_RESULTS",
                    "100",
                    "MAAS_MONITOR_DRIFT_MIN_RESULTS",
                    "50")));
    int port =
        Main.deploy(vertx, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS)
            .actualPort();

    // the page is checked against the summary once the monitor has read everything
    Awaitility.await("the monitor has read every answer and dead letter")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              var response = HttpProbe.get(port, "/v1/summary?model=" + model);
              if (response.statusCode() != 200) {
                return false;
              }
              JsonObject m =
                  new JsonObject(response.body()).getJsonObject("models").getJsonObject(model);
              JsonObject v2 = m.getJsonObject("versions").getJsonObject("2");
              return m.getJsonObject("versions").getJsonObject("1").getLong("results") == PRODUCTION
                  && v2 != null
                  && v2.getLong("shadowResults") == SHADOW
                  && v2.getJsonObject("agreement") != null
                  && v2.getJsonObject("agreement").getLong("compared") == SHADOW
                  && m.getJsonObject("deadLetters").getLong("invalid_json", 0L) == 2
                  && m.getJsonObject("deadLetters").getLong("text_too_long", 0L) == 1
                  // the monitor's own group, once it has committed where it read to
                  && m.getJsonObject("lag").containsKey(group);
            });

    try (HeadlessChromium chromium = HeadlessChromium.start(dir, 1400, 1000)) {
      chromium.navigate("http://127.0.0.1:" + port + "/");
      String card = "document.querySelector('[data-model=\"" + model + "\"] [data-version=\"2\"]')";
      Awaitility.await("the page shows the model")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> Boolean.TRUE.equals(chromium.evaluate(card + " !== null")));
      // a few pushes, two seconds apart, so that the charts draw lines
      Set<Object> pushes = new HashSet<>();
      Awaitility.await("three summaries pushed")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  pushes.add(chromium.evaluate("document.getElementById('as-of').textContent"))
                      && pushes.size() >= 3);

      JsonObject page = (JsonObject) chromium.evaluate(PAGE.replace("MODEL", model));
      Path screenshot = dir.resolve("monitor-page.png");
      chromium.screenshot(screenshot);
      Files.copy(
          screenshot, Path.of("target", "monitor-page.png"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(Path.of("target", "monitor-page.html"), chromium.dom());

      assertThat(page.getString("heading")).isEqualTo(model);
      assertThat(page.getString("connection")).isEqualTo("live");
      JsonObject v1 = page.getJsonObject("v1");
      assertThat(v1.getString("head")).startsWith("v1").contains("production");
      assertThat(v1.getString("results")).isEqualTo(String.valueOf(PRODUCTION));
      assertThat(v1.getJsonObject("labels").getMap())
          .isEqualTo(Map.of("ham", String.valueOf(ham), "spam", String.valueOf(PRODUCTION - ham)));
      JsonObject v2 = page.getJsonObject("v2");
      assertThat(v2.getString("head")).startsWith("v2").contains("shadow");
      assertThat(v2.getString("results")).isEqualTo(String.valueOf(SHADOW));
      assertThat(v2.getJsonObject("labels").getMap()).containsOnlyKeys("ham", "spam");
      assertThat(v2.getString("agreement"))
          .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * agreeing / SHADOW));
      assertThat(page.getJsonObject("deadLetters").getMap())
          .isEqualTo(Map.of("invalid_json", "2", "text_too_long", "1"));
      assertThat(page.getJsonObject("lag").getString(group))
          .as("the monitor's own lag")
          .isEqualTo("OK");
      assertThat(page.getInteger("charts")).as("uPlot charts from the webjar").isEqualTo(4);
      assertThat(chromium.errors()).as("errors in the browser").isEmpty();

      // a shorter window reopens the stream: fewer of the answers of the last two minutes are in it
      chromium.evaluate("document.querySelector('#windows [data-window=\"PT1M\"]').click()");
      String results =
          card.replace("\"2\"", "\"1\"") + ".querySelector('[data-metric=\"results\"]')";
      Awaitility.await("the page shows the last minute")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  Integer.parseInt((String) chromium.evaluate(results + ".textContent"))
                      < PRODUCTION);
      assertThat(chromium.evaluate(results + ".parentElement.textContent"))
          .asString()
          .contains("last 1 min");
      assertThat(chromium.evaluate("location.search")).isEqualTo("?window=PT1M");

      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Awaitility.await("the page says the stream dropped")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  "disconnected, retrying"
                      .equals(
                          chromium.evaluate("document.getElementById('connection').textContent")));
    }
  }

  private static byte[] result(
      String id,
      String model,
      int version,
      Role role,
      String label,
      double top,
      long completedAt,
      long latencyMillis) {
    String other = label.equals("ham") ? "spam" : "ham";
    return new InferenceResult(
            id,
            model,
            version,
            role,
            label,
            Map.of(label, top, other, 1 - top),
            completedAt - latencyMillis,
            completedAt,
            1,
            "test")
        .toBuffer()
        .getBytes();
  }

  /** What an operator reads on the page for one model, as JSON. */
  private static final String PAGE =
      """
      (() => {
        const model = document.querySelector('[data-model="MODEL"]');
        const rows = (root, selector) => Object.fromEntries([...root.querySelectorAll(selector)]
            .map(row => [row.cells[0].textContent.trim(), row.cells[1].textContent.trim()]));
        const version = v => {
          const card = model.querySelector(`[data-version="${v}"]`);
          const agreement = card.querySelector('[data-metric="agreement"]');
          return {
            head: card.querySelector('.version-head').textContent,
            results: card.querySelector('[data-metric="results"]').textContent,
            agreement: agreement && agreement.textContent,
            labels: rows(card, '.legend tr'),
          };
        };
        return {
          heading: model.querySelector('h2').textContent,
          connection: document.getElementById('connection').textContent,
          v1: version(1),
          v2: version(2),
          deadLetters: rows(model, '.letters tr'),
          lag: Object.fromEntries([...model.querySelectorAll('.lag tr')].slice(1)
              .map(row => [row.cells[0].textContent.trim(), row.cells[3].textContent.trim()])),
          charts: model.querySelectorAll('.uplot').length,
        };
      })()""";
}
