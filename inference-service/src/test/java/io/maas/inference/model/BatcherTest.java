package io.maas.inference.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatcherTest {

  /** An item that remembers when it arrived, on the test's clock. */
  private record Item(int n, long arrived) {}

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final Batcher<Item> batcher =
      new Batcher<>(4, 5, TimeUnit.MILLISECONDS, Item::arrived, clock::get);

  private List<Item> items(int from, int to) {
    return IntStream.range(from, to).mapToObj(n -> new Item(n, clock.get())).toList();
  }

  @Test
  void aFullBatchIsHandedOutAtOnceInArrivalOrder() {
    batcher.offer("spam", items(0, 6));

    Batcher.Batch<Item> batch = batcher.poll(model -> true);

    assertThat(batch.model()).isEqualTo("spam");
    assertThat(batch.items()).extracting(Item::n).containsExactly(0, 1, 2, 3);
    assertThat(batcher.size()).isEqualTo(2);
  }

  @Test
  void aPartialBatchWaitsUntilItsOldestItemIsDue() {
    batcher.offer("spam", items(0, 2));
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(4));
    batcher.offer("spam", items(2, 3));

    assertThat(batcher.poll(model -> true)).isNull();

    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(batcher.poll(model -> true).items()).extracting(Item::n).containsExactly(0, 1, 2);
    assertThat(batcher.size()).isZero();
  }

  @Test
  void fullBatchesGoFirstThenTheMostOverdueModel() {
    batcher.offer("ham", items(0, 1));
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    batcher.offer("news", items(10, 11));
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    batcher.offer("spam", items(20, 24));
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));

    assertThat(batcher.poll(model -> true).model()).isEqualTo("spam");
    assertThat(batcher.poll(model -> true).model()).isEqualTo("ham");
    assertThat(batcher.poll(model -> true).model()).isEqualTo("news");
    assertThat(batcher.poll(model -> true)).isNull();
  }

  @Test
  void modelsThatCannotBeServedKeepTheirItems() {
    batcher.offer("spam", items(0, 4));

    assertThat(batcher.poll(model -> !model.equals("spam"))).isNull();
    assertThat(batcher.size()).isEqualTo(4);
    assertThat(batcher.poll(model -> true).items()).hasSize(4);
  }

  @Test
  void removedItemsAreNeverHandedOut() {
    batcher.offer("spam", items(0, 4));
    batcher.removeIf(item -> item.n() % 2 == 0);

    assertThat(batcher.size()).isEqualTo(2);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(5));
    assertThat(batcher.poll(model -> true).items()).extracting(Item::n).containsExactly(1, 3);

    batcher.offer("spam", items(4, 6));
    batcher.clear();
    assertThat(batcher.size()).isZero();
  }

  @Test
  void takeWakesUpWhenABatchFills() throws Exception {
    Batcher<Item> real = new Batcher<>(2, 1, TimeUnit.HOURS, Item::arrived);
    CompletableFuture<Batcher.Batch<Item>> taken =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return real.take(model -> true, 1, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    real.offer("spam", List.of(new Item(0, System.nanoTime())));
    real.offer("spam", List.of(new Item(1, System.nanoTime())));

    assertThat(taken.get(30, TimeUnit.SECONDS).items()).extracting(Item::n).containsExactly(0, 1);
  }

  @Test
  void takeGivesUpAfterItsTimeoutWhenNothingIsDue() throws Exception {
    Batcher<Item> real = new Batcher<>(2, 1, TimeUnit.HOURS, Item::arrived);
    real.offer("spam", List.of(new Item(0, System.nanoTime())));

    assertThat(real.take(model -> true, 10, TimeUnit.MILLISECONDS)).isNull();
    assertThat(real.size()).isEqualTo(1);
  }

  @Test
  void awaitBelowReturnsOnceItemsAreTaken() throws Exception {
    batcher.offer("spam", items(0, 8));

    assertThat(batcher.awaitBelow(8, 1, TimeUnit.MILLISECONDS)).isFalse();
    batcher.poll(model -> true);
    assertThat(batcher.awaitBelow(8, 1, TimeUnit.MILLISECONDS)).isTrue();
  }
}
