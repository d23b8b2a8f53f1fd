package io.maas.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.testkit.BrokerProcess;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.ServiceProcess;
import io.maas.testkit.TestKafka;
import io.maas.trainer.data.Example;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 of the Kafka broker while requests stream in over HTTP (ingest) and from a plain
 * producer, then a start on the same ports and data. Every request that was acknowledged (a 202,
 * or a producer's ack) gets a result from each delivery mode, exactly one from exactly-once; while
 * the broker is gone ingest answers 503 with {@code Retry-After} at once rather than hang, every
 * service reports not ready, and all of them recover without a restart.
 *
 * <p>The broker, ingest and two inference instances are processes of their own; the registry runs
 * in this JVM ({@link TestPlatform}). The inference instances are in two consumer groups, one
 * at-least-once and one exactly-once, so each reads every request; a result names its worker.
 * The processes' logs are kept in {@code target/BrokerCrashIT}.
 */
class BrokerCrashIT {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerCrashIT.class);

  /** Each stream sends one request per period: 20 a second over HTTP, 20 from the producer. */
  private static final long PERIOD_MS = 50;

  /**
   * How long the broker stays dead before its start begins (which takes seconds more);
   * {@code -Dmaas.brokercrash.outage=PT3M} tries outages longer than the clients' timeouts.
   */
  private static final Duration OUTAGE =
      Duration.parse(System.getProperty("maas.brokercrash.outage", "PT10S"));

  private static final Duration AFTER_RESTART = Duration.ofSeconds(8);

  /** Slowest 503 allowed: a refusal must come at once, not after Kafka's delivery timeout. */
  private static final long FAST_REFUSAL_MS = 5_000;

  /** Delivery modes, which name the inference instances (the worker in each result). */
  private static final String AT_LEAST_ONCE = "at-least-once";

  private static final String EXACTLY_ONCE = "exactly-once";
  private static final Path LOGS = Path.of("target", "BrokerCrashIT");

  @TempDir Path dir;

  @Test
  void everyAcknowledgedRequestIsAnsweredAndServicesRecoverAfterTheBrokerIsKilled()
      throws Exception {
    long testStarted = System.nanoTime();
    String model = "crash";
    try (BrokerProcess broker = BrokerProcess.start(dir, Duration.ofSeconds(90));
        TestPlatform platform = new TestPlatform(broker.kafka(), dir)) {
      TestKafka kafka = broker.kafka();
      platform.register(model, 1);
      platform.deploy(model, "{\"production\":1}");
      int atLeastOncePort = TestPlatform.freePort();
      int exactlyOncePort = TestPlatform.freePort();
      int ingestPort = TestPlatform.freePort();
      List<String> texts = platform.heldOut.stream().map(Example::text).toList();
      try (ServiceProcess atLeastOnce = startInference(platform, atLeastOncePort, AT_LEAST_ONCE);
          ServiceProcess exactlyOnce = startInference(platform, exactlyOncePort, EXACTLY_ONCE);
          ServiceProcess ingest =
              ServiceProcess.start(
                  io.maas.ingest.Main.class,
                  platform.serviceEnv(Map.of("MAAS_INGEST_PORT", String.valueOf(ingestPort))),
                  dir.resolve("ingest.log"));
          Results results = new Results(kafka, "maas.results." + model);
          HttpStream http = new HttpStream(ingestPort, model, texts);
          ProducerStream direct = new ProducerStream(kafka, model, texts)) {
        Map<String, Integer> services =
            Map.of(
                "ingest",
                ingestPort,
                "inference " + AT_LEAST_ONCE,
                atLeastOncePort,
                "inference " + EXACTLY_ONCE,
                exactlyOncePort,
                "registry",
                platform.registryPort);
        Awaitility.await("every service ready")
            .atMost(Duration.ofSeconds(120))
            .ignoreExceptions()
            .until(() -> services.values().stream().allMatch(port -> ready(port) == 200));

        results.start();
        http.start();
        direct.start();
        Awaitility.await("requests accepted and answered before the crash")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    http.accepted() >= 40
                        && direct.acknowledged() >= 40
                        && results.answered(AT_LEAST_ONCE) >= 60
                        && results.answered(EXACTLY_ONCE) >= 60);

        broker.kill();
        long killed = System.nanoTime();
        LOG.info(
            "Killed the broker (kill -9) with {} HTTP requests accepted, {} producer acks, {} answered",
            http.accepted(),
            direct.acknowledged(),
            results.answered(AT_LEAST_ONCE));
        Map<String, Long> notReadyAfterMs = new HashMap<>();
        for (Map.Entry<String, Integer> service : services.entrySet()) {
          Awaitility.await(service.getKey() + " not ready while the broker is gone")
              .atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(200))
              .untilAsserted(
                  () -> {
                    HttpResponse<String> ready = HttpProbe.get(service.getValue(), "/health/ready");
                    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
                  });
          notReadyAfterMs.put(service.getKey(), millisSince(killed));
        }
        // :predict waits for answers; with the broker gone it must be refused at once all the same.
        long asked = System.nanoTime();
        HttpResponse<String> predict = http.predict(texts.get(0));
        long predictMs = millisSince(asked);
        Awaitility.await("the outage")
            .pollDelay(remaining(killed, OUTAGE))
            .atMost(OUTAGE.plusSeconds(30))
            .until(() -> true);

        long restarting = System.nanoTime();
        broker.start(Duration.ofSeconds(90));
        long restarted = System.nanoTime();
        long outageMs = TimeUnit.NANOSECONDS.toMillis(restarted - killed);
        LOG.info(
            "The broker is back after {} ms down (its start took {} ms)",
            outageMs,
            millisSince(restarting));
        int acceptedBefore = http.accepted();
        Awaitility.await("every service ready again, none restarted")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptions()
            .until(() -> services.values().stream().allMatch(port -> ready(port) == 200));
        long readyAgainMs = millisSince(restarted);
        Awaitility.await("streaming after the restart")
            .pollDelay(remaining(restarted, AFTER_RESTART))
            .atMost(Duration.ofSeconds(60))
            .until(() -> http.accepted() >= acceptedBefore + 40);

        http.stop();
        direct.stop();
        Set<String> acknowledged = new HashSet<>(http.acceptedIds());
        acknowledged.addAll(direct.acknowledgedIds());
        try {
          Awaitility.await("a result for every acknowledged request")
              .atMost(Duration.ofSeconds(120))
              .pollInterval(Duration.ofMillis(500))
              .until(
                  () ->
                      results.answeredAll(AT_LEAST_ONCE, acknowledged)
                          && results.answeredAll(EXACTLY_ONCE, acknowledged));
        } catch (ConditionTimeoutException e) {
          throw new AssertionError(
              results.missing(AT_LEAST_ONCE, acknowledged)
                  + "; "
                  + results.missing(EXACTLY_ONCE, acknowledged)
                  + "; see the logs in "
                  + LOGS.toAbsolutePath(),
              e);
        }
        results.stop();

        Set<String> refusedButAnswered = new HashSet<>(http.refusedIds());
        refusedButAnswered.retainAll(results.ids(AT_LEAST_ONCE));
        LOG.info(
            "Broker crash: sent {} ({} over HTTP, {} by producer), acknowledged {} ({} 202s, slowest {} ms; {} "
                + "producer acks), answered {} of them at-least-once with {} duplicate results and {} exactly-once with "
                + "{}; {} HTTP 503s (slowest {} ms, {} of their ids answered anyway), {} producer sends failed {}; "
                + ":predict answered {} in {} ms; broker down {} ms, not ready seen after {} ms, ready again {} ms after the "
                + "restart, first result {} ms after it, longest gap between results {} ms; test took {} s",
            http.sent() + direct.sent(),
            http.sent(),
            direct.sent(),
            acknowledged.size(),
            http.accepted(),
            http.slowestAcceptanceMs(),
            direct.acknowledged(),
            results.answered(AT_LEAST_ONCE, acknowledged),
            results.duplicates(AT_LEAST_ONCE),
            results.answered(EXACTLY_ONCE, acknowledged),
            results.duplicates(EXACTLY_ONCE),
            http.refused(),
            http.slowestRefusalMs(),
            refusedButAnswered.size(),
            direct.failed(),
            direct.failures(),
            predict == null ? "nothing" : predict.statusCode(),
            predictMs,
            outageMs,
            notReadyAfterMs,
            readyAgainMs,
            results.firstArrivalAfter(restarted),
            results.longestGapMs(),
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - testStarted));

        assertThat(http.failures())
            .as("HTTP calls that got no answer (hung past 30 s or broke)")
            .isEmpty();
        assertThat(http.statuses()).as("statuses of the HTTP calls").containsOnlyKeys(202, 503);
        assertThat(http.refused()).as("503s while the broker was gone").isPositive();
        assertThat(http.badRefusals())
            .as("503s that were slow, lacked Retry-After or had another reason")
            .isEmpty();
        assertThat(predict)
            .as(":predict while the broker was gone answered within 30 s")
            .isNotNull();
        assertThat(predict.statusCode()).as(predict.body()).isEqualTo(503);
        assertThat(predict.headers().firstValue("Retry-After")).isPresent();
        assertThat(new JsonObject(predict.body()).getString("error"))
            .isEqualTo("kafka_unavailable");
        assertThat(predictMs).as(":predict's 503 came at once").isLessThan(FAST_REFUSAL_MS);
        assertThat(http.accepted()).as("202s after the restart").isGreaterThan(acceptedBefore);
        assertThat(atLeastOnce.isAlive() && exactlyOnce.isAlive() && ingest.isAlive())
            .as("inference and ingest still the same processes")
            .isTrue();
        assertThat(results.ids(AT_LEAST_ONCE))
            .as("at-least-once results for every acknowledged request")
            .containsAll(acknowledged);
        assertThat(results.ids(EXACTLY_ONCE))
            .as("exactly-once results for every acknowledged request")
            .containsAll(acknowledged);
        assertThat(results.duplicates(EXACTLY_ONCE))
            .as("exactly-once results read twice (read-committed)")
            .isZero();
      }
    } finally {
      keepLogs();
    }
  }

  private ServiceProcess startInference(TestPlatform platform, int port, String delivery) {
    // Each its own MAAS_HOME: two instances unpacking a model into one cache at once were seen to
    // collide ("Directory not empty"), which this test is not about.
    return ServiceProcess.start(
        Main.class,
        platform.serviceEnv(
            Map.of(
                "MAAS_INFERENCE_PORT",
                String.valueOf(port),
                "MAAS_DELIVERY",
                delivery,
                "MAAS_INFERENCE_GROUP",
                "brokercrash-" + delivery,
                "MAAS_INFERENCE_WORKER",
                delivery,
                "MAAS_HOME",
                dir.resolve("home-" + delivery).toString())),
        dir.resolve("inference-" + delivery + ".log"));
  }

  /** Copies the processes' logs out of the temporary directory, for reading after a run. */
  private void keepLogs() {
    try {
      Files.createDirectories(LOGS);
      try (var logs = Files.list(dir)) {
        for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
          Files.copy(
              log,
              LOGS.resolve(log.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (java.io.IOException e) {
      LOG.warn("Could not keep the processes' logs in {}: {}", LOGS, e.toString());
    }
  }

  private static int ready(int port) {
    return HttpProbe.get(port, "/health/ready").statusCode();
  }

  private static long millisSince(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
  }

  private static Duration remaining(long since, Duration total) {
    long left = total.toMillis() - millisSince(since);
    return Duration.ofMillis(Math.max(1, left));
  }

  /** One request per period to {@code POST /requests}, each call answered in its own time. */
  private static final class HttpStream implements AutoCloseable {

    private record Refusal(String id, long millis, String retryAfter, String body) {}

    private final HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final URI uri;
    private final String model;
    private final List<String> texts;
    private final AtomicInteger sent = new AtomicInteger();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicLong slowestAcceptance = new AtomicLong();
    private final ConcurrentLinkedQueue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<CompletableFuture<?>> calls = new ArrayList<>();

    HttpStream(int port, String model, List<String> texts) {
      this.uri = URI.create("http://127.0.0.1:" + port + "/v1/models/" + model + "/requests");
      this.model = model;
      this.texts = texts;
    }

    void start() {
      timer.scheduleAtFixedRate(this::send, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** One {@code :predict} call of one text; null when no answer came within 30 s. */
    HttpResponse<String> predict(String text) throws Exception {
      URI predict = uri.resolve("/v1/models/" + model + ":predict");
      String body = new JsonObject().put("instances", new JsonArray().add(text)).encode();
      try {
        return client.send(
            HttpRequest.newBuilder(predict)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        return null;
      }
    }

    private void send() {
      int n = sent.getAndIncrement();
      String id = "h-" + n;
      String body =
          new JsonObject()
              .put("id", id)
              .put("model", model)
              .put("text", texts.get(n % texts.size()))
              .encode();
      long started = System.nanoTime();
      CompletableFuture<?> call =
          client
              .sendAsync(
                  HttpRequest.newBuilder(uri)
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    long millis = millisSince(started);
                    if (error != null) {
                      failures.add(id + " after " + millis + " ms: " + error);
                      return;
                    }
                    statuses
                        .computeIfAbsent(response.statusCode(), s -> new AtomicInteger())
                        .incrementAndGet();
                    if (response.statusCode() == 202) {
                      slowestAcceptance.accumulateAndGet(millis, Math::max);
                      new JsonObject(response.body())
                          .getJsonArray("ids")
                          .forEach(accepted -> this.accepted.add((String) accepted));
                    } else if (response.statusCode() == 503) {
                      refusals.add(
                          new Refusal(
                              id,
                              millis,
                              response.headers().firstValue("Retry-After").orElse(null),
                              response.body()));
                    }
                  });
      synchronized (calls) {
        calls.add(call);
      }
    }

    /** Stops sending and waits for every call's answer. */
    void stop() throws Exception {
      timer.shutdown();
      timer.awaitTermination(10, TimeUnit.SECONDS);
      List<CompletableFuture<?>> all;
      synchronized (calls) {
        all = List.copyOf(calls);
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(60, TimeUnit.SECONDS);
    }

    int sent() {
      return sent.get();
    }

    int accepted() {
      return accepted.size();
    }

    Set<String> acceptedIds() {
      return Set.copyOf(accepted);
    }

    long slowestAcceptanceMs() {
      return slowestAcceptance.get();
    }

    int refused() {
      return refusals.size();
    }

    Set<String> refusedIds() {
      Set<String> ids = new HashSet<>();
      refusals.forEach(r -> ids.add(r.id()));
      return ids;
    }

    long slowestRefusalMs() {
      return refusals.stream().mapToLong(Refusal::millis).max().orElse(0);
    }

    /** 503s that took too long, had no Retry-After, or were not kafka_unavailable. */
    List<Refusal> badRefusals() {
      return refusals.stream()
          .filter(
              r ->
                  r.millis() >= FAST_REFUSAL_MS
                      || r.retryAfter() == null
                      || !"kafka_unavailable".equals(new JsonObject(r.body()).getString("error")))
          .toList();
    }

    Map<Integer, Integer> statuses() {
      Map<Integer, Integer> counts = new HashMap<>();
      statuses.forEach((status, count) -> counts.put(status, count.get()));
      return counts;
    }

    List<String> failures() {
      return List.copyOf(failures);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** One request per period straight to {@code maas.requests.<model>}, as a producing application would. */
  private static final class ProducerStream implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final String topic;
    private final String model;
    private final List<String> texts;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Set<String> failures = ConcurrentHashMap.newKeySet();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    ProducerStream(TestKafka kafka, String model, List<String> texts) {
      Properties props = new Properties();
      props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.setProperty(ProducerConfig.ACKS_CONFIG, "all");
      props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      // Records sent while the broker is gone wait for it (up to two minutes), as an application's
      // would; a send never blocks the stream for long.
      props.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
      props.setProperty(
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      props.setProperty(
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      this.producer = new KafkaProducer<>(props);
      this.topic = "maas.requests." + model;
      this.model = model;
      this.texts = texts;
    }

    void start() {
      timer.scheduleAtFixedRate(this::send, PERIOD_MS / 2, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void send() {
      int n = sent.getAndIncrement();
      String id = "p-" + n;
      byte[] value =
          new InferenceRequest(
                  id,
                  model,
                  texts.get(n % texts.size()),
                  System.currentTimeMillis(),
                  null,
                  Map.of())
              .toBuffer()
              .getBytes();
      try {
        producer.send(
            new ProducerRecord<>(topic, id, value),
            (metadata, error) -> {
              if (error == null) {
                acknowledged.add(id);
              } else {
                failed(error);
              }
            });
      } catch (RuntimeException e) {
        failed(e);
      }
    }

    private void failed(Exception e) {
      failed.incrementAndGet();
      failures.add(e.getClass().getSimpleName());
    }

    /** Stops sending and waits until every record sent is acknowledged or failed. */
    void stop() throws Exception {
      timer.shutdown();
      timer.awaitTermination(10, TimeUnit.SECONDS);
      producer.flush();
    }

    int sent() {
      return sent.get();
    }

    int acknowledged() {
      return acknowledged.size();
    }

    Set<String> acknowledgedIds() {
      return Set.copyOf(acknowledged);
    }

    int failed() {
      return failed.get();
    }

    /** The kinds of failure seen. */
    Set<String> failures() {
      return Set.copyOf(failures);
    }

    @Override
    public void close() {
      timer.shutdownNow();
      producer.close(Duration.ofSeconds(5));
    }
  }

  /** Reads the results topic from its beginning for as long as the test runs, noting when each record came. */
  private static final class Results implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;

    /** Per worker, results per request id. */
    private final Map<String, Map<String, Integer>> counts = new ConcurrentHashMap<>();

    private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    Results(TestKafka kafka, String topic) {
      Properties props = new Properties();
      props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.setProperty(
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      props.setProperty(
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      this.consumer = new KafkaConsumer<>(props);
      this.topic = topic;
      this.thread = new Thread(this::run, "results-reader");
    }

    void start() {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread.start();
    }

    private void run() {
      while (running) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          String worker = InferenceResult.decode(record.value()).worker();
          counts
              .computeIfAbsent(worker, w -> new ConcurrentHashMap<>())
              .merge(record.key(), 1, Integer::sum);
          arrivals.add(System.nanoTime());
        }
      }
    }

    private Map<String, Integer> of(String worker) {
      return counts.getOrDefault(worker, Map.of());
    }

    boolean answeredAll(String worker, Set<String> ids) {
      return of(worker).keySet().containsAll(ids);
    }

    String missing(String worker, Set<String> ids) {
      Set<String> missing = new HashSet<>(ids);
      missing.removeAll(of(worker).keySet());
      return worker
          + " answered "
          + (ids.size() - missing.size())
          + " of "
          + ids.size()
          + " acknowledged requests (none for "
          + missing.stream().sorted().limit(10).toList()
          + (missing.size() > 10 ? " and more" : "")
          + ")";
    }

    Set<String> ids(String worker) {
      return Set.copyOf(of(worker).keySet());
    }

    int answered(String worker) {
      return of(worker).size();
    }

    /** How many of {@code ids} the worker answered. */
    long answered(String worker, Set<String> ids) {
      return ids.stream().filter(of(worker)::containsKey).count();
    }

    /** Results beyond the first for an id. */
    int duplicates(String worker) {
      return of(worker).values().stream().mapToInt(n -> n - 1).sum();
    }

    /** Milliseconds from {@code since} to the first result read after it, or -1. */
    long firstArrivalAfter(long since) {
      return arrivals.stream()
          .filter(t -> t >= since)
          .findFirst()
          .map(t -> TimeUnit.NANOSECONDS.toMillis(t - since))
          .orElse(-1L);
    }

    /** The longest time without a new result, from the first to the last. */
    long longestGapMs() {
      long longest = 0;
      Long previous = null;
      for (long t : arrivals) {
        if (previous != null) {
          longest = Math.max(longest, t - previous);
        }
        previous = t;
      }
      return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
