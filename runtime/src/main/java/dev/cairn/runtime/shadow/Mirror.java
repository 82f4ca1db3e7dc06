package dev.cairn.runtime.shadow;

import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The candidate's side of a shadow: a bounded queue of the primary's acknowledged writes and of
 * sampled reads to compare, and the one thread that applies them to the candidate in order.
 *
 * <p>Design. The caller's thread never touches the candidate: it offers a task and goes on, and a
 * full queue drops the task (counted) instead of waiting, so a slow or hung candidate costs the
 * primary nothing but the drops. The mirror thread owns the candidate: it alone calls it, catches
 * everything it throws (counted, the first few logged), and closes it. One thread keeps the
 * candidate's writes in queue order, which {@link WriteOrder} makes an order the candidate can be
 * judged by. The thread is never interrupted (an interrupt during an engine's I/O can close its
 * channels); it stops when asked, after the queue drains or when the close's patience runs out.
 *
 * <p>Thread-safe: {@link #offer} from any thread; the rest of the state belongs to the mirror
 * thread.
 */
final class Mirror {

  /** Work for the candidate. */
  sealed interface Task {}

  record Put(byte[] key, byte[] value, Durability durability, long primaryNanos) implements Task {}

  record Delete(byte[] key, Durability durability, long primaryNanos) implements Task {}

  record Batch(WriteBatch batch, Durability durability, long primaryNanos) implements Task {}

  record DeleteRange(KeyRange range, Durability durability, long primaryNanos) implements Task {}

  record CreateKeyspace(String name) implements Task {}

  record DropKeyspace(String name) implements Task {}

  record Flush() implements Task {}

  record Compare(String keyspace, byte[] key, byte[] primaryValue, long primaryNanos)
      implements Task {}

  private final StorageEngine candidate;
  private final ShadowFigures figures;
  private final BlockingQueue<Task> queue;
  private final int capacity;
  private final Thread thread;
  private final WriteOrder order;
  private volatile boolean closing;
  private volatile boolean abandoned;
  private volatile String state = "running";

  Mirror(String name, StorageEngine candidate, ShadowFigures figures, int capacity, WriteOrder o) {
    this.candidate = candidate;
    this.figures = figures;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.order = o;
    this.thread = new Thread(this::run, "cairn-shadow " + name);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Offers a task without waiting; false when the queue is full or the mirror has stopped. */
  boolean offer(Task task) {
    return !closing && queue.offer(task);
  }

  /** Whether an offer now would probably be taken: saves copying a batch that will be dropped. */
  boolean hasRoom() {
    return !closing && queue.remainingCapacity() > 0;
  }

  int queued() {
    return queue.size();
  }

  int capacity() {
    return capacity;
  }

  String state() {
    return state;
  }

  private void run() {
    try {
      while (true) {
        Task t = queue.poll(50, TimeUnit.MILLISECONDS);
        if (t == null) {
          if (closing) {
            break;
          }
          continue;
        }
        if (abandoned) {
          drop(t);
        } else {
          apply(t);
        }
      }
      state = "stopped";
    } catch (InterruptedException e) {
      state = "failed: interrupted";
      order.forgetAll();
    } catch (VirtualMachineError e) {
      state = "failed: " + e;
      order.forgetAll();
      figures.failure("with an error that stopped the mirror", e);
      throw e;
    } finally {
      Task t;
      while ((t = queue.poll()) != null) {
        drop(t);
      }
      try {
        candidate.close();
      } catch (RuntimeException | Error e) {
        figures.failure("closing", e);
      }
    }
  }

  private void drop(Task t) {
    switch (t) {
      case Compare c -> figures.readsDropped.increment();
      case Put p -> figures.writesDropped.increment();
      case Delete d -> figures.writesDropped.increment();
      case Batch b -> figures.writesDropped.increment();
      case DeleteRange r -> figures.writesDropped.increment();
      case CreateKeyspace k -> figures.writesDropped.increment();
      case DropKeyspace k -> figures.writesDropped.increment();
      case Flush f -> {}
    }
  }

  private void apply(Task task) {
    long t0 = System.nanoTime();
    try {
      switch (task) {
        case Compare c -> {
          compare(c, t0);
          return;
        }
        case Put p -> {
          candidate.put(p.key(), p.value(), p.durability());
          wrote(p.primaryNanos(), t0);
        }
        case Delete d -> {
          candidate.delete(d.key(), d.durability());
          wrote(d.primaryNanos(), t0);
        }
        case Batch b -> {
          candidate.write(b.batch(), b.durability());
          wrote(b.primaryNanos(), t0);
        }
        case DeleteRange r -> {
          candidate.deleteRange(r.range(), r.durability());
          wrote(r.primaryNanos(), t0);
        }
        case CreateKeyspace k -> {
          candidate.createKeyspace(k.name());
          figures.writesMirrored.increment();
        }
        case DropKeyspace k -> {
          candidate.dropKeyspace(k.name());
          figures.writesMirrored.increment();
        }
        case Flush f -> candidate.flush();
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (
        Throwable e) { // NB: whatever the candidate throws is the shadow's to count, not to die of
      if (task instanceof Compare) {
        figures.readsFailed.increment();
      } else if (!(task instanceof Flush)) {
        figures.writesFailed.increment();
      }
      figures.failure(describe(task), e);
    }
  }

  private void wrote(long primaryNanos, long t0) {
    long nanos = System.nanoTime() - t0;
    figures.candidateWrites.record(nanos);
    figures.compareLatency(primaryNanos, nanos);
    figures.writesMirrored.increment();
  }

  private void compare(Compare c, long t0) {
    byte[] value =
        c.keyspace().equals(Keyspace.DEFAULT)
            ? candidate.get(c.key())
            : candidate.keyspace(c.keyspace()).get(c.key());
    long nanos = System.nanoTime() - t0;
    figures.candidateReads.record(nanos);
    figures.compareLatency(c.primaryNanos(), nanos);
    figures.readsCompared.increment();
    byte[] expected = c.primaryValue();
    if (!Arrays.equals(expected, value)) {
      ShadowReport.Kind kind =
          expected == null
              ? ShadowReport.Kind.EXTRA
              : value == null ? ShadowReport.Kind.MISSING : ShadowReport.Kind.DIFFERENT;
      figures.mismatch(c.keyspace(), c.key(), kind, expected, value);
    }
  }

  private static String describe(Task t) {
    return switch (t) {
      case Compare c -> "reading key " + ShadowFigures.keyHex(c.key()) + " of " + c.keyspace();
      case Put p -> "putting key " + ShadowFigures.keyHex(p.key());
      case Delete d -> "deleting key " + ShadowFigures.keyHex(d.key());
      case Batch b -> "writing a batch of " + b.batch().size();
      case DeleteRange r -> "deleting range " + r.range();
      case CreateKeyspace k -> "creating keyspace " + k.name();
      case DropKeyspace k -> "dropping keyspace " + k.name();
      case Flush f -> "flushing";
    };
  }

  /**
   * Stops taking tasks and lets the thread finish the queue and close the candidate; waits at most
   * {@code patience}. A candidate still busy then is left to its thread (a daemon), whose remaining
   * tasks are dropped, and the candidate closed, as soon as its current call returns.
   *
   * @return true if the mirror stopped within {@code patience}
   */
  boolean stop(Duration patience) {
    closing = true;
    try {
      thread.join(patience);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      abandoned = true;
      order.forgetAll();
      return false;
    }
    return true;
  }
}
