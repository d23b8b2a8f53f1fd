package io.maas.inference.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.maas.inference.worker.Pending;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction state the sink owns, against Kafka's own producer double: what a commit carries,
 * when records count as done, a fenced producer as one typed exception, a timed-out commit made again.
 * The broker's side of transactions is tested with a real one (CrashIT, BrokerCrashIT).
 */
class TransactionalSinkTest {

  private static final String TOPIC = "maas.requests.spam";

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final List<Exception> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger done = new AtomicInteger();
  private TransactionalSink sink;

  @BeforeEach
  void init() {
    producer.initTransactions();
    sink =
        new TransactionalSink(
            producer,
            "maas-inference-w1",
            () -> new ConsumerGroupMetadata("maas-inference"),
            failures::add);
  }

  private Pending read(int partition, long offset) {
    ConsumerRecord<String, byte[]> record =
        new ConsumerRecord<>(TOPIC, partition, offset, "id-" + offset, new byte[0]);
    return new Pending(record, null, null, 0, 0, done::incrementAndGet, null, null);
  }

  private static List<ProducerRecord<String, byte[]>> outputs(int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> new ProducerRecord<>("maas.results.spam", "id-" + i, new byte[] {1}))
        .toList();
  }

  @Test
  void batchesShareOneTransactionThatCommitsTheirLastOffsetsAndOnlyThenAreDone() {
    sink.send(List.of(read(0, 5), read(1, 9)), outputs(2));
    sink.send(List.of(read(0, 6)), outputs(1));

    assertThat(sink.open()).isTrue();
    assertThat(done).hasValue(0);
    sink.finish(false);

    assertThat(producer.commitCount()).isEqualTo(1);
    assertThat(producer.history()).hasSize(3);
    assertThat(producer.consumerGroupOffsetsHistory())
        .singleElement()
        .isEqualTo(
            Map.of(
                "maas-inference",
                Map.of(
                    new TopicPartition(TOPIC, 0),
                    new OffsetAndMetadata(7),
                    new TopicPartition(TOPIC, 1),
                    new OffsetAndMetadata(10))));
    assertThat(done).hasValue(3);
    assertThat(sink.open()).isFalse();
    assertThat(failures).isEmpty();
  }

  @Test
  void aFailureAbortsAndNothingIsDone() {
    sink.send(List.of(read(0, 1)), outputs(1));

    sink.finish(true);

    assertThat(producer.transactionAborted()).isTrue();
    assertThat(producer.commitCount()).isZero();
    assertThat(done).hasValue(0);
    assertThat(sink.open()).isFalse();
  }

  @Test
  void aFencedProducerIsOneTypedExceptionWhicheverCallNoticesIt() {
    sink.send(List.of(read(0, 1)), outputs(1));
    producer.fenceProducer();

    sink.finish(false);

    assertThat(failures).hasSize(1);
    assertThat(failures.get(0))
        .isInstanceOf(TransactionFencedException.class)
        .hasCauseInstanceOf(ProducerFencedException.class)
        .hasMessageContaining("maas-inference-w1")
        .hasMessageContaining("MAAS_INFERENCE_WORKER");
    assertThat(done).hasValue(0);
    assertThat(sink.open()).isFalse();
    assertThatThrownBy(() -> sink.send(List.of(read(0, 2)), outputs(1)))
        .isInstanceOf(TransactionFencedException.class)
        .hasCauseInstanceOf(ProducerFencedException.class);
  }

  @Test
  void aProducerThatCannotAbortIsGivenUpForANewOne() {
    // as after a broker restart: the commit finds the transaction in an invalid state, the abort
    // the producer in error
    sink.send(List.of(read(0, 1)), outputs(1));
    producer.commitTransactionException =
        new InvalidTxnStateException(
            "The producer attempted a transactional operation in an invalid state.");
    producer.abortTransactionException =
        new KafkaException("Cannot execute transactional method because we are in an error state");

    sink.finish(false);

    assertThat(failures).singleElement().isInstanceOf(InvalidTxnStateException.class);
    assertThat(done).hasValue(0);
    assertThatThrownBy(() -> sink.send(List.of(read(0, 1)), outputs(1)))
        .isInstanceOf(TransactionFencedException.class)
        .hasCauseInstanceOf(KafkaException.class)
        .hasMessageContaining("maas-inference-w1")
        .hasMessageContaining("a new producer takes the id over");
  }

  @Test
  void aCommitThatTimedOutIsMadeAgainBeforeTheNextTransactionBegins() {
    sink.send(List.of(read(0, 1)), outputs(1));
    producer.commitTransactionException = new TimeoutException("the broker is gone");

    sink.finish(false);

    assertThat(failures).singleElement().isInstanceOf(TimeoutException.class);
    assertThat(sink.open()).isFalse();
    assertThat(done).as("not known to be committed").hasValue(0);
    // still no answer: the next transaction does not begin
    assertThatThrownBy(() -> sink.send(List.of(read(0, 2)), outputs(1)))
        .isInstanceOf(TimeoutException.class);
    assertThat(sink.open()).isFalse();

    producer.commitTransactionException = null;
    sink.send(List.of(read(0, 3)), outputs(1));

    assertThat(producer.commitCount()).as("the commit made again").isEqualTo(1);
    assertThat(sink.open()).isTrue();
    sink.finish(false);
    assertThat(producer.commitCount()).isEqualTo(2);
    assertThat(done).hasValue(1);
  }
}
