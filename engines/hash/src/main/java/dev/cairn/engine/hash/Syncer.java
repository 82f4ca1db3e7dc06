package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
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
import java.util.function.IntSupplier;
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
 * <p><b>Files.</b> The thread also creates each new active data file and seals the old one (a
 * roll): the old file is forced before the new one exists (a later {@code SYNC} write in the new
 * file must not survive a crash that loses an earlier write in the old), and the new file's header
 * is synced with its directory before any record is appended. It keeps the active file's channel
 * for forcing, a channel of its own that no caller's thread ever touches.
 *
 * <p><b>Events.</b> Every force is reported as an {@link EngineEvent.Kind#FSYNC} event with the
 * bytes it made durable. A group commit's force runs with the context of the first request of its
 * tickets that carries one (it serves them all; the event names that one), a roll's with the
 * context of the request whose append set it off.
 *
 * <p>Thread-safe.
 */
final class Syncer {

  /**
   * A new active data file, made by the fsync thread for the writer.
   *
   * @param file the file, already the store's active file
   * @param append a channel for the writer to append through
   * @param position where the first record goes (after the file header)
   */
  record NewFile(DataFile file, FileChannel append, long position) {}

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

  private final IndexState state;
  private final FsyncGuard guard;
  private final FailStop failStop;
  private final IntSupplier durableWriters;

  // ---- the thread's own state ------------------------------------------------------------------

  /** The active file's channel that only this thread uses, to force it. */
  private FileChannel syncChannel;

  private DataFile syncFile;

  /** While the thread waits for siblings: how many writers it waits for, else 0. */
  private volatile int siblingsAwaited;

  /** While the thread waits for siblings: the writers with a ticket queued. */
  private final AtomicInteger queued = new AtomicInteger();

  /** How long the last force took; touched by the thread only. */
  private long lastForceNanos;

  /** The active file's size at its last force; touched by the thread only. */
  private long forcedSize;

  private final ConcurrentLinkedQueue<Object> tasks = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean stopping;

  /**
   * Starts the thread.
   *
   * @param durableWriters how many callers are now in a write that waits for a force (SYNC writes
   *     and flushes)
   */
  Syncer(
      IndexState state,
      FsyncGuard guard,
      FailStop failStop,
      IntSupplier durableWriters,
      String name) {
    this.state = state;
    this.guard = guard;
    this.failStop = failStop;
    this.durableWriters = durableWriters;
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

  /**
   * Creates the first active file; waits for it.
   *
   * @throws StorageIOException if it cannot be created and synced
   */
  NewFile start() {
    return call(this::createFile);
  }

  /**
   * Seals the active file (forced first) and creates the next one; waits for it, after every force
   * queued before.
   *
   * @throws EngineFailedException if the force failed (the store is stopped)
   * @throws StorageIOException if the next file cannot be created
   */
  NewFile roll(RequestContext cause) {
    return call(
        () ->
            Events.within(
                cause,
                () -> {
                  force("roll");
                  closeQuietly(syncChannel);
                  syncChannel = null;
                  return createFile();
                }));
  }

  /**
   * Forces the active file now, after every force queued before; waits for it.
   *
   * @throws EngineFailedException if it failed (the store is stopped)
   */
  void forceNow() {
    call(
        () -> {
          force("close");
          return null;
        });
  }

  /**
   * Finishes everything queued, closes the active file's channel, then stops the thread and waits
   * for it. Idempotent.
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
        if (settled && durableWriters.getAsInt() == 1) {
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
    int awaited = durableWriters.getAsInt();
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
    int writers = waiters(tickets);
    RuntimeException error =
        Events.within(causeOf(tickets), () -> forceForGroup("group commit of " + writers));
    for (Ticket t : tickets) {
      for (LogWriter.Request r : t.requests()) {
        r.complete(error);
      }
    }
    tickets.clear();
  }

  /**
   * The request a group commit's force is done for: the first of {@code tickets} that carries a
   * context (the force serves them all), or null.
   */
  private static RequestContext causeOf(List<Ticket> tickets) {
    for (Ticket t : tickets) {
      for (LogWriter.Request r : t.requests()) {
        if (r.context != null) {
          return r.context;
        }
      }
    }
    return null;
  }

  /** Forces for a group commit; returns what failed, or null. */
  private RuntimeException forceForGroup(String why) {
    long start = System.nanoTime();
    try {
      force(why);
      lastForceNanos = System.nanoTime() - start;
      // NB: an fsync failed elsewhere (background work) while the group was written: do not
      // acknowledge what follows a failure. Wait for background fsyncs in flight, then look.
      guard.awaitQuiet();
      failStop.check();
      return null;
    } catch (RuntimeException e) {
      return e;
    } catch (Error e) {
      return failStop.stop("the fsync thread failed", e);
    }
  }

  /**
   * On the thread: forces the active file through the thread's own channel, and reports it.
   *
   * @param why what the force is for, for the event
   */
  private void force(String why) {
    long start = System.nanoTime();
    long size = syncFile.size();
    boolean forced = false;
    try {
      syncChannel.force(false);
      state.syncs.increment();
      forced = true;
    } catch (IOException e) {
      throw failStop.stop(syncFile.path() + ": fsync failed", e);
    } finally {
      if (state.events != EngineEventListener.NONE) {
        Events.report(
            state.events,
            EngineEvent.Kind.FSYNC,
            start,
            Math.max(0, size - forcedSize),
            "fsync of "
                + syncFile.path().getFileName()
                + " ("
                + why
                + ")"
                + (forced ? "" : ": failed; the store stops"));
      }
      if (forced) {
        forcedSize = size;
      }
    }
  }

  /**
   * On the thread: creates the next data file with its header, synced with its directory, and makes
   * it the store's active file.
   */
  private NewFile createFile() {
    int id = state.nextFileId.getAndIncrement();
    Path path = state.directory.resolve(DataFile.name(id));
    FileChannel append = null;
    long at = 0;
    try {
      syncChannel =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      ByteBuffer header = RecordBuffers.fileHeader();
      while (header.hasRemaining()) {
        at += syncChannel.write(header, at);
      }
      append = FileChannel.open(path, StandardOpenOption.WRITE);
    } catch (IOException e) {
      closeQuietly(syncChannel);
      syncChannel = null;
      closeQuietly(append);
      throw new StorageIOException(path + ": cannot create a data file", e);
    }
    DataFile created = null;
    try {
      created = new DataFile(id, path, false, at, state::onLastRelease);
      syncFile = created;
      forcedSize = 0;
      force("new file");
      SyncedFiles.syncDirectory(state.directory);
    } catch (RuntimeException e) {
      closeQuietly(append);
      if (created != null) {
        created.release();
      }
      throw e;
    }
    state.activate(created);
    return new NewFile(created, append, at);
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
