package io.maas.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.maas.common.config.Settings;
import io.maas.common.event.InferenceRequest;
import io.maas.common.event.InferenceResult;
import io.maas.common.event.ModelDeployment;
import io.maas.common.event.Role;
import io.maas.common.kafka.TopicProvisioner;
import io.maas.common.kafka.Topics;
import io.maas.ingest.config.IngestConfig;
import io.maas.ingest.http.IngestApiVerticle;
import io.maas.testkit.ApiContract;
import io.maas.testkit.HttpProbe;
import io.maas.testkit.TestKafka;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** What the ingest tests share: a deployed test model, a started service, exact topic reads, a fake inference. */
final class Testbed {

  static final String SHA256 = "ab".repeat(32);

  /** The OpenAPI document each ingest started here serves, by port. */
  private static final Map<Integer, ApiContract> DESCRIBED = new ConcurrentHashMap<>();

  private Testbed() {}

  /** A new model with its request and results topics and a production deployment on maas.models. */
  static String deployModel(TestKafka kafka) {
    ensureModelsTopic(kafka);
    String model = TestKafka.unique("m");
    kafka.createTopic(Topics.requests(model), 3);
    kafka.createTopic(Topics.results(model), 3);
    ModelDeployment deployment =
        new ModelDeployment(
            model,
            1,
            new ModelDeployment.Slot(
                1,
                "http://127.0.0.1:8081/v1/models/" + model + "/versions/1/artifact",
                SHA256,
                null),
            null,
            null,
            System.currentTimeMillis());
    kafka.send(Topics.MODELS, model, deployment.toBuffer().getBytes());
    return model;
  }

  /** maas.models belongs to the registry; tests without one create it as the registry would. */
  static void ensureModelsTopic(TestKafka kafka) {
    try (Admin admin = kafka.admin()) {
      new TopicProvisioner(admin).ensureBlocking(List.of(Topics.modelsSpec()));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create " + Topics.MODELS, e);
    }
  }

  /** Deploys ingest on a free port with these settings over the defaults, and waits until it is ready. */
  static int start(Vertx vertx, TestKafka kafka, Path home, Map<String, String> overrides)
      throws Exception {
    return startApi(vertx, kafka, home, overrides).actualPort();
  }

  /** {@link #start}, answering the started API (its HTTP and gRPC ports: both free ones). */
  static IngestApiVerticle startApi(
      Vertx vertx, TestKafka kafka, Path home, Map<String, String> overrides) throws Exception {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(),
                "MAAS_INGEST_PORT",
                "0",
                "MAAS_GRPC_PORT",
                "0",
                "MAAS_HOME",
                home.toString()));
    env.putAll(overrides);
    IngestConfig config = IngestConfig.from(Settings.load(IngestConfig.DEFAULTS, env));
    IngestApiVerticle api =
        Main.deploy(vertx, config)
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    int port = api.actualPort();
    // Ready means the deployments on maas.models have been read, so the test model is known.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> HttpProbe.get(port, "/health/ready").statusCode() == 200);
    ApiContract described = ApiContract.fetch(vertx, port);
    described.assertDescribes(api.servedRoutes());
    DESCRIBED.put(port, described);
    for (String path : List.of("/health/live", "/health/ready", "/metrics", "/openapi.json")) {
      get(port, path);
    }
    return api;
  }

  /** A POST to an ingest this class started, its answer held against the OpenAPI document ingest serves. */
  static HttpResponse<String> post(int port, String path, String contentType, String body) {
    return described(HttpProbe.send(port, "POST", path, contentType, body));
  }

  /** A GET to an ingest this class started, its answer held against the OpenAPI document ingest serves. */
  static HttpResponse<String> get(int port, String path) {
    return described(HttpProbe.get(port, path));
  }

  /** The answer, once it is found to be one ingest's OpenAPI document describes. */
  static <T> HttpResponse<T> described(HttpResponse<T> response) {
    ApiContract api = DESCRIBED.get(response.uri().getPort());
    assertThat(api)
        .as("the OpenAPI document of the ingest on port %d", response.uri().getPort())
        .isNotNull();
    return api.check(response);
  }

  /** Every record on {@code topic} now: from the beginning to the end offsets of this moment. */
  static List<ConsumerRecord<String, byte[]>> readAll(TestKafka kafka, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = consumer(kafka)) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  static String metrics(int port) {
    return HttpProbe.get(port, "/metrics").body();
  }

  private static KafkaConsumer<String, byte[]> consumer(TestKafka kafka) {
    Properties props = new Properties();
    props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Stands in for inference-service: reads {@code maas.requests.<model>} and answers each request on
   * {@code maas.results.<model>} with a trivial rule: "spam" when the text mentions "free", else
   * "ham"; the version is the pinned one, else 1.
   */
  static final class Responder implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final String model;
    private final Thread thread;
    private volatile boolean running = true;

    private final Function<String, Map<String, Double>> scores;

    /** Answers "spam" (0.9) for texts with "free", else "ham" (0.8). */
    Responder(TestKafka kafka, String model) {
      this(
          kafka,
          model,
          text ->
              label(text).equals("spam")
                  ? Map.of("ham", 0.1, "spam", 0.9)
                  : Map.of("ham", 0.8, "spam", 0.2));
    }

    /** Answers each text with these scores, labelled with the highest. */
    Responder(TestKafka kafka, String model, Function<String, Map<String, Double>> scores) {
      this.model = model;
      this.scores = scores;
      this.consumer = consumer(kafka);
      this.producer = kafka.producer();
      String topic = Topics.requests(model);
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread = new Thread(this::run, "test-responder-" + model);
      thread.start();
    }

    static String label(String text) {
      return text.contains("free") ? "spam" : "ham";
    }

    private void run() {
      try {
        while (running) {
          for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
            InferenceRequest request =
                InferenceRequest.decode(
                    record.value(),
                    new InferenceRequest.Defaults(
                        model, null, record.timestamp(), InferenceRequest.DEFAULT_MAX_TEXT_BYTES));
            Map<String, Double> answer =
                new LinkedHashMap<>(new TreeMap<>(scores.apply(request.text())));
            String label =
                answer.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            InferenceResult result =
                new InferenceResult(
                    request.id(),
                    model,
                    request.version() == null ? 1 : request.version(),
                    Role.PRODUCTION,
                    label,
                    answer,
                    request.ingestedAt(),
                    System.currentTimeMillis(),
                    1,
                    "test-responder");
            producer.send(
                new ProducerRecord<>(
                    Topics.results(model), request.id(), result.toBuffer().getBytes()));
          }
          producer.flush();
        }
      } catch (WakeupException e) {
        // closing
      } finally {
        consumer.close();
        producer.close();
      }
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      consumer.wakeup();
      thread.join(10_000);
    }
  }
}
