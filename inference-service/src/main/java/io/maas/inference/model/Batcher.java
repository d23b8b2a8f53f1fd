package io.maas.inference.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Dynamic batching between the thread that reads requests and the thread that runs the model.
 * Items queue per model as the polls bring them; {@link #take} hands out a batch as soon as a
 * model has {@code maxSize} items, or once its oldest item has waited {@code maxWait}.
 *
 * <p>Batches are cut when the model thread asks for one, not when items arrive: while a model
 * call runs, the next batch keeps filling, so a busy worker gets full batches and an idle one
 * waits at most {@code maxWait}. This is what TensorFlow Serving's batching scheduler and
 * Triton's dynamic batcher do too. Safe for one producer and any number of takers.
 *
 * @param <T> the queued item; {@code arrivedAt} gives its arrival on the {@code clock}
 */
public final class Batcher<T> {

  /** Items of one model, oldest first, at most the batch size. */
  public record Batch<T>(String model, List<T> items) {}

  private final int maxSize;
  private final long maxWaitNanos;
  private final ToLongFunction<T> arrivedAt;
  private final LongSupplier clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private final Condition taken = lock.newCondition();
  private final Map<String, ArrayDeque<T>> queues = new LinkedHashMap<>();
  private int size;

  public Batcher(int maxSize, long maxWait, TimeUnit unit, ToLongFunction<T> arrivedAt) {
    this(maxSize, maxWait, unit, arrivedAt, System::nanoTime);
  }

  /** @param clock nanoseconds, the same clock as {@code arrivedAt} */
  public Batcher(
      int maxSize, long maxWait, TimeUnit unit, ToLongFunction<T> arrivedAt, LongSupplier clock) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be at least 1");
    }
    this.maxSize = maxSize;
    this.maxWaitNanos = unit.toNanos(maxWait);
    this.arrivedAt = arrivedAt;
    this.clock = clock;
  }

  /** Queues items of one model, in the order given. */
  public void offer(String model, List<T> items) {
    if (items.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      queues.computeIfAbsent(model, m -> new ArrayDeque<>()).addAll(items);
      size += items.size();
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next batch of a model that {@code servable} accepts, waiting up to {@code timeout} for
   * one to fill or fall due; null when none did. Full batches go first, then the model whose
   * oldest item has waited longest.
   */
  public Batch<T> take(Predicate<String> servable, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = clock.getAsLong() + unit.toNanos(timeout);
    lock.lock();
    try {
      while (true) {
        long now = clock.getAsLong();
        Batch<T> batch = next(servable, now);
        if (batch != null) {
          return batch;
        }
        long wait = Math.min(deadline, dueAt(servable)) - now;
        if (deadline - now <= 0) {
          return null;
        }
        added.awaitNanos(Math.max(wait, 1));
      }
    } finally {
      lock.unlock();
    }
  }

  /** A batch that is full or due now, or null; never waits. */
  public Batch<T> poll(Predicate<String> servable) {
    lock.lock();
    try {
      return next(servable, clock.getAsLong());
    } finally {
      lock.unlock();
    }
  }

  /** Items queued, all models together. */
  public int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until fewer than {@code limit} items are queued; false if the timeout came first. */
  public boolean awaitBelow(int limit, long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (size >= limit) {
        if (nanos <= 0) {
          return false;
        }
        nanos = taken.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Drops every queued item that {@code filter} matches. */
  public void removeIf(Predicate<T> filter) {
    lock.lock();
    try {
      for (ArrayDeque<T> queue : queues.values()) {
        int before = queue.size();
        queue.removeIf(filter);
        size -= before - queue.size();
      }
      taken.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops everything queued. */
  public void clear() {
    removeIf(item -> true);
  }

  private Batch<T> next(Predicate<String> servable, long now) {
    String model = pick(servable, now);
    if (model == null) {
      return null;
    }
    ArrayDeque<T> queue = queues.get(model);
    List<T> items = new ArrayList<>(Math.min(queue.size(), maxSize));
    while (!queue.isEmpty() && items.size() < maxSize) {
      items.add(queue.pollFirst());
    }
    size -= items.size();
    taken.signalAll();
    return new Batch<>(model, items);
  }

  /** The model to batch now: a full one, else the most overdue one; null when none is ready. */
  private String pick(Predicate<String> servable, long now) {
    String full = null;
    String due = null;
    long oldestFull = Long.MAX_VALUE;
    long oldestDue = Long.MAX_VALUE;
    for (Iterator<Map.Entry<String, ArrayDeque<T>>> it = queues.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, ArrayDeque<T>> entry = it.next();
      ArrayDeque<T> queue = entry.getValue();
      if (queue.isEmpty() || !servable.test(entry.getKey())) {
        continue;
      }
      long arrived = arrivedAt.applyAsLong(queue.peekFirst());
      if (queue.size() >= maxSize && arrived < oldestFull) {
        full = entry.getKey();
        oldestFull = arrived;
      } else if (now - arrived >= maxWaitNanos && arrived < oldestDue) {
        due = entry.getKey();
        oldestDue = arrived;
      }
    }
    return full != null ? full : due;
  }

  /** When the oldest servable item falls due; far in the future when nothing is queued. */
  private long dueAt(Predicate<String> servable) {
    long due = Long.MAX_VALUE;
    for (Map.Entry<String, ArrayDeque<T>> entry : queues.entrySet()) {
      if (!entry.getValue().isEmpty() && servable.test(entry.getKey())) {
        due = Math.min(due, arrivedAt.applyAsLong(entry.getValue().peekFirst()) + maxWaitNanos);
      }
    }
    return due;
  }
}
