package io.maas.inference.kafka;

import io.maas.inference.worker.Pending;
import io.maas.inference.worker.ResultSink;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * At-least-once delivery: a batch's records are marked done (and become committable by the
 * consumer's thread) once the broker has acknowledged every one of its outputs. Nothing is held
 * open; a refused send is reported to the failure handler from the producer's I/O thread.
 */
final class AtLeastOnceSink implements ResultSink {

  private final Producer<String, byte[]> producer;
  private final Consumer<Exception> failed;

  AtLeastOnceSink(Producer<String, byte[]> producer, Consumer<Exception> failed) {
    this.producer = producer;
    this.failed = failed;
  }

  @Override
  public void send(List<Pending> batch, List<ProducerRecord<String, byte[]>> outputs) {
    if (outputs.isEmpty()) {
      batch.forEach(p -> p.done().run());
      return;
    }
    AtomicInteger unacknowledged = new AtomicInteger(outputs.size());
    for (ProducerRecord<String, byte[]> record : outputs) {
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              failed.accept(error);
            } else if (unacknowledged.decrementAndGet() == 0) {
              batch.forEach(p -> p.done().run());
            }
          });
    }
  }

  @Override
  public boolean open() {
    return false;
  }

  @Override
  public long untilDueMillis() {
    return 0;
  }

  @Override
  public void finish(boolean failed) {}

  @Override
  public void abort() {}
}
