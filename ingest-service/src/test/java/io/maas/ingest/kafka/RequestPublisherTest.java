package io.maas.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping around the producer while Kafka is unreachable: nothing handed over, waiting
 * calls released at once, records still counted until the producer is done with them. The
 * producer is Kafka's {@link MockProducer}, completed by hand; what Kafka does is the ITs' part
 * ({@code BrokerCrashIT} kills a real broker).
 */
class RequestPublisherTest {

  private static final List<RequestPublisher.Record> ONE =
      List.of(new RequestPublisher.Record("r-1", new byte[] {'{', '}'}));

  private final AtomicBoolean reachable = new AtomicBoolean(true);
  private Vertx vertx;
  private Context context;
  private MockProducer<String, byte[]> mock;
  private RequestPublisher publisher;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    mock = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    publisher =
        on(() -> new RequestPublisher(KafkaProducer.create(vertx, mock), 100, reachable::get));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPublishIsAcknowledgedOnceKafkaIs() throws Exception {
    Future<Void> published = on(() -> publisher.publish("maas.requests.spam", ONE));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mock.history().size() == 1);
    assertThat(published.isComplete()).isFalse();

    mock.completeNext();

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(published::succeeded);
    assertThat(on(publisher::inFlight)).isZero();
  }

  @Test
  void whileKafkaIsUnreachableNothingIsHandedToTheProducer() throws Exception {
    reachable.set(false);

    Future<Void> published = on(() -> publisher.publish("maas.requests.spam", ONE));

    assertThat(published.failed()).isTrue();
    assertThat(published.cause()).isInstanceOf(KafkaUnavailableException.class);
    assertThat(on(publisher::inFlight)).isZero();
    assertThat(mock.history()).isEmpty();
  }

  @Test
  void abandonReleasesTheWaitingCallsButTheRecordsCountUntilTheProducerIsDone() throws Exception {
    Future<Void> published = on(() -> publisher.publish("maas.requests.spam", ONE));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> mock.history().size() == 1);

    on(
        () -> {
          publisher.abandon();
          return null;
        });

    assertThat(published.failed()).isTrue();
    assertThat(published.cause()).isInstanceOf(KafkaUnavailableException.class);
    assertThat(on(publisher::inFlight))
        .as("still with the producer, so still bounded")
        .isEqualTo(1);

    mock.completeNext();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> on(publisher::inFlight) == 0);
    assertThat(published.cause())
        .as("a late acknowledgement does not turn a 503 into a promise")
        .isInstanceOf(KafkaUnavailableException.class);
  }

  /** Runs {@code work} on the publisher's context, as the verticle would. */
  private <T> T on(Callable<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            result.complete(work.call());
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }
}
