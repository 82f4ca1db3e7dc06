package dev.cairn.engine.hash;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The engine's fsync thread: every force of the active data file and every step of a roll run here,
 * in the order they were asked for.
 *
 * <p><b>Why a thread of its own.</b> Writers append on their own threads ({@link LogWriter}), and
 * Java closes a channel when a thread using it is interrupted. An interrupted {@code write} is
 * harmless (the writer reopens and writes the same bytes again), but an interrupted {@code fsync}
 * reports the interrupt instead of its result, and a failed fsync must never go unseen (the kernel
 * may have dropped the pages: PostgreSQL's "fsyncgate"). So no caller's thread ever forces a file:
 * this thread, which nobody interrupts, does it on a channel of its own.
 *
 * <p><b>Group commit.</b> A group that must be durable is queued as a {@link Ticket} once its bytes
 * are written. The thread takes every ticket queued, forces the file once for all of them, and
 * completes them; meanwhile writers go on appending, and their tickets share the next force. This
 * is RocksDB's pipelined write: the log is never idle while an fsync runs.
 *
 * <p>Thread-safe.
 */
final class Syncer {

  /** What the thread forces, and what it checks before it acknowledges. */
  interface Target {

    /**
     * Forces the active file, through the syncer's own channel.
     *
     * @throws dev.cairn.spi.StorageException if the force failed (the writer is then failed)
     */
    void force();

    /**
     * Called after a force and before its tickets complete: waits for in-flight background fsyncs
     * and throws the writer's failure, if any.
     */
    void beforeAcknowledge();

    /** How many callers are now in a write that waits for a force (SYNC writes and flushes). */
    int durableWriters();
  }

  /** A written group waiting to be durable; {@code requests} complete once it is. */
  private record Ticket(List<LogWriter.Request> requests) {}

  /** Work that must run on this thread, in order with the tickets; the caller waits for it. */
  private static final class Call {
    final Supplier<?> work;
    volatile boolean done;
    volatile Thread waiter;
    Object result;
    RuntimeException error;

    Call(Supplier<?> work) {
      this.work = work;
    }
  }

  /** How long the thread looks for a lone {@code SYNC} writer's next ticket before parking. */
  private static final long LONE_WRITER_SPIN_NANOS = 50_000;

  /** The longest a force waits for more writers; see {@link #awaitSiblings}. */
  private static final long SIBLING_WAIT_NANOS = 200_000;

  private final Target target;

  /** While the thread waits for siblings: how many writers it waits for, else 0. */
  private volatile int siblingsAwaited;

  /** While the thread waits for siblings: the writers with a ticket queued. */
  private final AtomicInteger queued = new AtomicInteger();

  /** How long the last force took; touched by the thread only. */
  private long lastForceNanos;

  private final ConcurrentLinkedQueue<Object> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean stopping;

  Syncer(Target target, String name) {
    this.target = target;
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    thread.start();
  }

  /** Queues {@code requests}, written already, to complete once the active file is forced. */
  void ticket(List<LogWriter.Request> requests) {
    tasks.add(new Ticket(requests));
    int awaited = siblingsAwaited;
    if (awaited == 0 || queued.addAndGet(requests.size()) >= awaited) {
      wake();
    }
  }

  /**
   * Runs {@code work} on this thread after everything queued before it, and waits for it without
   * being interruptible (an interrupt is kept for the caller).
   *
   * @return what {@code work} returned
   * @throws RuntimeException what {@code work} threw
   */
  <T> T call(Supplier<T> work) {
    if (Thread.currentThread() == thread) {
      return work.get();
    }
    Call c = new Call(work);
    tasks.add(c);
    wake();
    boolean interrupted = false;
    for (int spins = 0; !c.done; spins++) {
      if (spins < 256) {
        Thread.onSpinWait();
      } else {
        c.waiter = Thread.currentThread();
        if (!c.done) {
          LockSupport.park(this);
        }
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (c.error != null) {
      throw c.error;
    }
    @SuppressWarnings("unchecked")
    T result = (T) c.result;
    return result;
  }

  private void wake() {
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /** Finishes everything queued, then stops the thread and waits for it. Idempotent. */
  void close() {
    stopping = true;
    LockSupport.unpark(thread);
    Threads.joinUninterruptibly(thread);
  }

  private void run() {
    List<Ticket> tickets = new ArrayList<>();
    boolean waited = false; // for siblings, since the last force
    while (true) {
      Object task = tasks.poll();
      if (task == null) {
        if (!waited && awaitSiblings(tickets)) {
          waited = true;
          continue; // take what arrived, then force
        }
        boolean settled = !tickets.isEmpty();
        settle(tickets);
        waited = false;
        if (stopping && tasks.isEmpty()) {
          return;
        }
        if (settled && target.durableWriters() == 1) {
          // NB: a lone SYNC writer queues its next ticket a few microseconds after its last one
          // completed; catching it here saves waking this thread, a good part of its latency.
          long until = System.nanoTime() + LONE_WRITER_SPIN_NANOS;
          while (tasks.isEmpty() && !stopping && System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          if (!tasks.isEmpty()) {
            continue;
          }
        }
        parked = true;
        if (tasks.isEmpty() && !stopping) {
          LockSupport.park(this);
        }
        parked = false;
        continue;
      }
      switch (task) {
        case Ticket t -> tickets.add(t);
        case Call c -> {
          settle(tickets); // tickets queued before a call (a roll, say) are forced first
          waited = false;
          run(c);
        }
        default -> throw new IllegalStateException("unknown task " + task);
      }
    }
  }

  /**
   * Group commit's sibling wait (PostgreSQL's {@code commit_delay} with {@code commit_siblings}):
   * when more callers are in a durable write than have a ticket queued, the others are most likely
   * about to queue theirs (they were just woken by the last force); waiting a fraction of a force
   * for them lets one force serve them all. A lone {@code SYNC} writer never waits.
   *
   * @return true when it waited (the caller then takes what arrived before forcing)
   */
  private boolean awaitSiblings(List<Ticket> tickets) {
    int waiting = waiters(tickets);
    int awaited = target.durableWriters();
    if (waiting == 0 || waiting >= awaited || stopping) {
      return false;
    }
    long deadline = System.nanoTime() + Math.min(SIBLING_WAIT_NANOS, lastForceNanos / 2);
    // NB: park, not spin: on a small machine the siblings need the processor to get here. The last
    // sibling's ticket wakes the thread early (see ticket()).
    queued.set(waiting);
    siblingsAwaited = awaited;
    try {
      long left;
      while (queued.get() < awaited && !stopping && (left = deadline - System.nanoTime()) > 0) {
        parked = true;
        if (queued.get() < awaited) {
          LockSupport.parkNanos(this, left);
        }
        parked = false;
      }
    } finally {
      siblingsAwaited = 0;
    }
    return true;
  }

  private static int waiters(List<Ticket> tickets) {
    int n = 0;
    for (Ticket t : tickets) {
      n += t.requests().size();
    }
    return n;
  }

  /** Forces once for every ticket taken, then completes them all. */
  private void settle(List<Ticket> tickets) {
    if (tickets.isEmpty()) {
      return;
    }
    RuntimeException error = null;
    long start = System.nanoTime();
    try {
      target.force();
      lastForceNanos = System.nanoTime() - start;
      target.beforeAcknowledge();
    } catch (RuntimeException e) {
      error = e;
    }
    for (Ticket t : tickets) {
      for (LogWriter.Request r : t.requests()) {
        r.complete(error);
      }
    }
    tickets.clear();
  }

  private static void run(Call c) {
    try {
      c.result = c.work.get();
    } catch (RuntimeException e) {
      c.error = e;
    } catch (Error e) {
      c.error = new IllegalStateException("the fsync thread's work failed: " + e, e);
    }
    c.done = true;
    Thread w = c.waiter;
    if (w != null) {
      LockSupport.unpark(w);
    }
  }
}
