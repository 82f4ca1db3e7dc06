package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The engine's fsync thread: every force of the write-ahead log, and every step of starting a new
 * log, run here, in the order they were asked for.
 *
 * <p><b>Why a thread of its own</b> (decision 0012). Writers append on their own threads ({@link
 * CommitQueue}), and Java closes a channel when a thread using it is interrupted: an interrupted
 * {@code fsync} reports the interrupt instead of its result, and a failed fsync must never go
 * unseen. So no caller's thread forces the log: this thread, which nobody interrupts, does it on a
 * channel of its own.
 *
 * <p><b>Group commit.</b> A group that must be durable is queued as a ticket once its bytes are
 * written. The thread takes every ticket queued, forces the log once for all of them, and completes
 * them; meanwhile writers go on appending, and their tickets share the next force (RocksDB's
 * pipelined write). When more callers wait for a force than have a ticket queued, the thread waits
 * a fraction of a force for the others (they were just woken by the last force and are about to
 * write again), so that one force serves them all ({@link #awaitSiblings}); a lone {@code SYNC}
 * writer never waits, and the thread looks for its next ticket a moment before parking.
 *
 * <p><b>Logs.</b> The thread also creates each new log: the old one is forced first (a later {@code
 * SYNC} write in the new log must never survive a crash that loses an earlier write in the old: no
 * holes), then the new file is created with its header record, forced, and its directory forced,
 * before any record is appended. It records how far the current log is forced ({@link
 * #durableOffset()}), which the writer copies into every record it frames.
 *
 * <p><b>Events.</b> Every force is reported ({@link EngineEvent.Kind#FSYNC}, with the bytes forced)
 * with a request context bound: a group commit's force, that of the first request with a context
 * among the groups it makes durable (each group's was captured as its ticket was queued, on the
 * leader's thread); a force or roll the writer or a caller asked for, that caller's.
 *
 * <p>Thread-safe.
 */
final class WalSyncer {

  /**
   * A written group waiting to be durable.
   *
   * @param cause the request context the group was written with, or null
   */
  private record Ticket(List<CommitQueue.Request> requests, RequestContext cause) {}

  /** Work that must run on this thread, in order with the tickets; the caller waits for it. */
  private static final class Call {
    final Supplier<?> work;
    final RequestContext cause = RequestContext.currentOrNull();
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

  private final Path directory;
  private final FsyncGuard guard;
  private final FailStop failStop;
  private final Statistics statistics;
  private final EngineEventListener listener;

  /** How many zeros each log keeps written ahead of its end ({@link WalFile}). */
  private final int preallocation;

  private final ConcurrentLinkedQueue<Object> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean stopping;

  /** Callers now in a write that waits for a force ({@link #durableWriterEnters}). */
  private final AtomicInteger durableWriters = new AtomicInteger();

  /** While the thread waits for siblings: how many writers it waits for, else 0. */
  private volatile int siblingsAwaited;

  /** While the thread waits for siblings: the writers with a ticket queued. */
  private final AtomicInteger queued = new AtomicInteger();

  // ---- the thread's own state ------------------------------------------------------------------

  /** The current log's channel that only this thread uses, to force it. */
  private FileChannel syncChannel;

  private WalFile current;

  /** How far the current log is forced: every byte before it is durable. */
  private volatile long durable;

  /** How long the last force took. */
  private long lastForceNanos;

  WalSyncer(
      Path directory,
      FsyncGuard guard,
      FailStop failStop,
      Statistics statistics,
      EngineEventListener listener,
      String name,
      int preallocation) {
    this.directory = directory;
    this.preallocation = preallocation;
    this.listener = listener;
    this.guard = guard;
    this.failStop = failStop;
    this.statistics = statistics;
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    thread.start();
  }

  /** How far the current log is forced. */
  long durableOffset() {
    return durable;
  }

  /** A caller starts a write that will wait for a force; it calls {@link #durableWriterLeaves}. */
  void durableWriterEnters() {
    durableWriters.incrementAndGet();
  }

  /** A caller's write that waited for a force is done. */
  void durableWriterLeaves() {
    durableWriters.decrementAndGet();
  }

  /** Whether exactly one caller is in a write that waits for a force. */
  boolean loneDurableWriter() {
    return durableWriters.get() == 1;
  }

  /** Queues {@code requests}, written already, to complete once the log is forced. */
  void ticket(List<CommitQueue.Request> requests) {
    tasks.add(new Ticket(requests, RequestContext.currentOrNull()));
    int awaited = siblingsAwaited;
    if (awaited == 0 || queued.addAndGet(requests.size()) >= awaited) {
      wake();
    }
  }

  /**
   * Creates the first log, numbered {@code number}; waits for it.
   *
   * @throws StorageIOException if it cannot be created and forced
   */
  WalFile start(long number) {
    return call(() -> createLog(number));
  }

  /**
   * Forces the current log, then creates log {@code number} and makes it current; waits for it,
   * after every force queued before.
   *
   * @throws EngineFailedException if the force failed (the store is stopped)
   * @throws StorageIOException if the new log cannot be created
   */
  WalFile roll(long number) {
    return call(
        () -> {
          force("before rolling to log " + number);
          trim("before rolling to log " + number);
          closeQuietly(syncChannel);
          syncChannel = null;
          return createLog(number);
        });
  }

  /**
   * Forces the current log now, after every force queued before; waits for it.
   *
   * @throws EngineFailedException if it failed (the store is stopped)
   */
  void forceNow() {
    call(
        () -> {
          force("asked for");
          return null;
        });
  }

  /**
   * Forces the current log now, after every force queued before, then cuts off the zeros written
   * ahead of its end and forces its size; waits for it. For the log's last record (a clean close):
   * only the newest log may end in zeros.
   *
   * @throws EngineFailedException if the force failed (the store is stopped)
   * @throws StorageIOException if the zeros cannot be cut off
   */
  void forceAndTrim() {
    call(
        () -> {
          force("after its last record");
          trim("after its last record");
          return null;
        });
  }

  /**
   * Finishes everything queued, closes the log's channel, then stops the thread and waits for it.
   * Idempotent.
   */
  void close() {
    if (thread.isAlive() && !stopping) {
      call(
          () -> {
            closeQuietly(syncChannel);
            syncChannel = null;
            return null;
          });
    }
    stopping = true;
    LockSupport.unpark(thread);
    Threads.joinUninterruptibly(thread);
  }

  private <T> T call(Supplier<T> work) {
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
        if (settled && durableWriters.get() == 1) {
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
   * about to queue theirs (the last force just woke them); waiting a fraction of a force for them
   * lets one force serve them all. A lone {@code SYNC} writer never waits.
   *
   * @return true when it waited (the caller then takes what arrived before forcing)
   */
  private boolean awaitSiblings(List<Ticket> tickets) {
    int waiting = waiters(tickets);
    int awaited = durableWriters.get();
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

  /**
   * Forces once for every ticket taken, then completes them all; with the first ticket's cause
   * bound (see the class comment).
   */
  private void settle(List<Ticket> tickets) {
    if (tickets.isEmpty()) {
      return;
    }
    RequestContext cause = null;
    for (Ticket t : tickets) {
      if (t.cause() != null) {
        cause = t.cause();
        break;
      }
    }
    Events.within(cause, () -> settleNow(tickets));
  }

  private void settleNow(List<Ticket> tickets) {
    RuntimeException error = null;
    long start = System.nanoTime();
    try {
      force(
          "for a group commit of "
              + waiters(tickets)
              + " requests in "
              + tickets.size()
              + " groups");
      lastForceNanos = System.nanoTime() - start;
      // NB: a background fsync may have failed while the group was written: acknowledge nothing
      // after a failure. Wait for background fsyncs in flight, then look.
      guard.awaitQuiet();
      failStop.check();
    } catch (RuntimeException e) {
      error = e;
    } catch (Error e) {
      error = failStop.stop("the fsync thread failed", e);
    }
    for (Ticket t : tickets) {
      for (CommitQueue.Request r : t.requests()) {
        r.complete(error);
      }
    }
    tickets.clear();
  }

  /**
   * On the thread: forces the current log through the thread's own channel; reports it. Refused
   * once the store has failed: after a failed force the log's unforced bytes may be lost on their
   * way to the disk while a later force "succeeds" (Linux after a write-back error), so no later
   * force proves anything. In particular a roll must not go on to start a new log whose writes
   * could then outlive the lost ones of the old: a hole in the history that recovery cannot see
   * (the old log would just end early).
   */
  private void force(String why) {
    failStop.check();
    if (syncChannel == null) {
      throw new IllegalStateException("no log to force");
    }
    long end = current.position();
    long start = System.nanoTime();
    String outcome = "";
    try {
      syncChannel.force(false);
      statistics.walSyncs.increment();
    } catch (IOException e) {
      outcome = " (failed: " + e + ")";
      throw failStop.stop(current.path() + ": fsync of the write-ahead log failed", e);
    } finally {
      Events.report(
          listener,
          EngineEvent.Kind.FSYNC,
          start,
          end - durable,
          "fsync of write-ahead log " + current.number() + " " + why + outcome);
    }
    durable = end;
  }

  /**
   * On the thread, after a force: cuts the current log's zeros off (the bytes written ahead of its
   * end, {@link WalFile}) and forces its new size, so that a log that is no longer the newest ends
   * at its last record (recovery reads zeros in an older log as damage). Refused once the store has
   * failed, as a force is.
   *
   * @throws StorageIOException if the cut or its force fails (the log then still ends in zeros: the
   *     caller must not start a newer log)
   */
  private void trim(String why) {
    failStop.check();
    long end = current.position();
    if (current.reserved() == end) {
      return;
    }
    long start = System.nanoTime();
    String outcome = "";
    try {
      syncChannel.truncate(end);
      syncChannel.force(true);
    } catch (IOException e) {
      outcome = " (failed: " + e + ")";
      throw new StorageIOException(
          current.path() + ": cannot cut the write-ahead log's preallocated zeros at " + end, e);
    } finally {
      Events.report(
          listener,
          EngineEvent.Kind.FSYNC,
          start,
          0,
          "fsync of write-ahead log "
              + current.number()
              + " cut to its last record at "
              + end
              + " "
              + why
              + outcome);
    }
  }

  /** On the thread: creates log {@code number} with its header, forced with its directory. */
  private WalFile createLog(long number) {
    Path path = FileNames.wal(directory, number);
    FileChannel append = null;
    long at = 0;
    try {
      syncChannel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      ByteBuffer header =
          ByteBuffer.allocate((int) WalFormat.framedSizeBound(WalRecord.FILE_HEADER_SIZE));
      WalFormat.frame(header, 0, WalRecord.fileHeader(number));
      header.flip();
      while (header.hasRemaining()) {
        at += syncChannel.write(header, at);
      }
      syncChannel.force(false);
      append = FileChannel.open(path, StandardOpenOption.WRITE);
    } catch (IOException e) {
      closeQuietly(syncChannel);
      syncChannel = null;
      closeQuietly(append);
      throw new StorageIOException(path + ": cannot create the write-ahead log", e);
    }
    try {
      guard.sync("syncing the store directory", () -> SyncedFiles.syncDirectory(directory));
    } catch (RuntimeException e) {
      closeQuietly(append);
      closeQuietly(syncChannel);
      syncChannel = null;
      throw e;
    }
    current = new WalFile(number, path, append, at, preallocation);
    durable = at;
    return current;
  }

  static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // Everything written was forced or is refused by fail-stop; nothing is lost here.
      }
    }
  }

  private static void run(Call c) {
    try {
      c.result = c.cause == null ? c.work.get() : c.cause.call(c.work::get);
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
