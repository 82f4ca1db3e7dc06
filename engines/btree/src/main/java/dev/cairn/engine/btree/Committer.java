package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The single writer: an engine-owned thread that takes every queued write, applies the group to one
 * {@link Tx} and commits it with one shadow-paging commit, so concurrent {@code SYNC} writers share
 * one fsync pair (group commit, as LevelDB's {@code BuildBatchGroup}).
 *
 * <p><b>The commit</b> ({@code docs/engines/btree.md}, "Commit"): make pages freed by transactions
 * that no reader and no durable meta still need reusable ({@link Freelist#release}); spill the
 * changed nodes to new pages; free the old catalog and freelist chains and write new ones; then,
 * for a durable commit, force the file, write the meta into the slot that does not hold the last
 * durable meta, and force again (bbolt's data-then-meta order); for a {@code BUFFERED} one (the
 * working transaction's pages, written for readers), write no meta at all: the last durable meta
 * and the log of {@code BUFFERED} writes are what an open finds (decision 0026). Readers see the
 * new state once the commit publishes it. A {@code BUFFERED} commit becomes durable when more than
 * {@link #PENDING_SYNC_PAGES} pages (or a thirty-second of the file, {@link
 * #PENDING_SYNC_FRACTION}) wait only for a durable meta to be reused, so that a store written only
 * {@code BUFFERED} does not grow without bound; it publishes its pages first and forces them and
 * its meta behind the writers, once the committer has let go of the writer's lock ({@link
 * #finishInFlight}, decision 0031). Working transactions run up to a quarter of the file, so a load
 * leaves up to that many pages free; a flush, an idle commit or a close gives them back ({@link
 * #giveBack}, decision 0033).
 *
 * <p><b>Failures.</b> A request whose precondition fails, or that names a keyspace that does not
 * exist, fails alone, before it changed anything. Any other failure while applying a group fails
 * the whole group and discards the transaction: nothing was written. A failure while writing or
 * forcing fail-stops the store ({@link FailStop}): the kernel may have dropped pages.
 *
 * <p><b>Requests, deadlines and events.</b> A request captures the caller's {@link RequestContext}
 * where it is made. A caller's request whose deadline has passed is refused before it is queued;
 * one whose deadline passes while it waits in the queue is refused as the committer forms the next
 * group ({@link DeadlineExceededException}: nothing of it is applied, the rest of the group goes
 * on). A request taken into a group is committed with it whatever its deadline, and a {@code SYNC}
 * one waits for its forces: a deadline never leaves part of a batch. Each group is applied and
 * committed with the context of its first request that carries one bound on the committer's thread,
 * so the events of the commit ({@link EngineEvent.Kind#FSYNC} of the data and of the meta) and the
 * exceptions it creates name that request.
 *
 * <p>Requests come from any thread ({@link #submit}); everything else runs on the committer's
 * thread, which owns the transaction state below. Thread-safe.
 */
final class Committer implements Runnable {

  /** Pages that may wait only for a durable meta before a BUFFERED commit is made durable. */
  static final long PENDING_SYNC_PAGES = 256;

  /**
   * Or this fraction of the file's pages, when more: the pages waiting for a durable meta, and the
   * free ones they become, are the file's room beyond its tree after a load written {@code
   * BUFFERED}. The working transaction is bounded by it too ({@link #workingBound}): a random load
   * of 1,000,000 entries took 1.35 to 1.40 times their bytes with a sixteenth and working
   * transactions of 2,048 pages, 1.29 with a thirty-second and as many pages as that.
   */
  static final long PENDING_SYNC_FRACTION = 32;

  /** The most bytes of consecutive pages a commit gathers into one write. */
  static final int RUN_BYTES = 1 << 20;

  private static final int MAX_GROUP = 4096;

  /**
   * The most pages the working transaction of {@code BUFFERED} writes may copy before its pages are
   * written: about 32 MiB of nodes at 4 KiB pages (decision 0033). Each such commit of a random
   * load frees about as many pages, which wait for a durable meta: the commit is forced, once per
   * working transaction, so the larger it is the fewer forces a put pays (a random load of
   * 1,000,000 entries forced the file about 1,000 times with working transactions of about 1,100
   * pages). The file keeps about one working transaction beyond its tree while the load runs; a
   * flush, an idle commit or a close gives those pages back ({@link #giveBack}).
   */
  static final long WORKING_NODES = 8192;

  /**
   * The working transaction is bounded by this fraction of the file too: the pages a commit frees,
   * which the file holds beyond its tree until a flush gives them back, stay a quarter of it or
   * less, and so does the relocation that gives them back.
   */
  static final long WORKING_FRACTION = 4;

  /**
   * The fewest nodes the working transaction may make dirty before its pages are written, however
   * small the file: fewer pages a commit means more commits, each rewriting the branches above them
   * (a random load of 1,000,000 entries wrote 1.29 million pages with this floor, 1.46 million with
   * 256, 1.10 million with working transactions of 2,048 pages throughout).
   */
  static final long WORKING_NODES_MIN = 1024;

  /**
   * Puts and deletes the working transaction may take before its pages are written: bounds its log
   * records to replay and its journal, when its writes fall on few pages (updates of a small set).
   */
  static final long WORKING_EFFECTS = 16_384;

  /**
   * Entries a node of the working transaction may grow to in memory before its pages are written: a
   * node published to readers is copied by the next change (a copy of its references), so a node
   * that grows with every put (a sorted load appending at one leaf) costs a copy of its size a put.
   */
  static final int WORKING_NODE_ENTRIES = 2048;

  /** Bytes of log after which the working state is committed durably and the log started anew. */
  static final long LOG_BYTES = 64L << 20;

  /** Idle time after which a working state of {@code BUFFERED} writes is committed durably. */
  static final long IDLE_COMMIT_MILLIS = 1000;

  /** A write waiting for the committer. */
  static final class Request {
    final Consumer<Tx> apply; // null: a sync alone
    final boolean sync;

    /** Asks for the working transaction's pages to be written, so that cursors can read them. */
    boolean publish;

    /** A caller's flush: once everything is durable, the pages a load left free are given back. */
    boolean flush;

    /**
     * A step of a compaction, run alone on the committer's thread: it plans a transaction from the
     * writer's state (null: nothing to commit), which is committed durably.
     */
    final Supplier<Tx> plan;

    final CompletableFuture<Void> done = new CompletableFuture<>();

    /** The request of the caller who made this one, if any: captured where it was made. */
    final RequestContext context;

    /** Whether a passed deadline of {@link #context} refuses this request while it is queued. */
    final boolean mayExpire;

    /** A caller's write ({@code apply}) or sync alone (null), made with the caller's context. */
    Request(Consumer<Tx> apply, boolean sync) {
      this(apply, sync, true);
    }

    private Request(Consumer<Tx> apply, boolean sync, boolean mayExpire) {
      this(apply, sync, mayExpire, null);
    }

    private Request(Consumer<Tx> apply, boolean sync, boolean mayExpire, Supplier<Tx> plan) {
      this.apply = apply;
      this.sync = sync;
      this.plan = plan;
      this.context = RequestContext.currentOrNull();
      this.mayExpire = mayExpire && context != null && context.deadline().isPresent();
    }

    /**
     * A caller's {@code flush()}: everything written so far made durable, then the free pages a
     * load left beyond its tree given back ({@link Committer#giveBack}), made with the caller's
     * context.
     */
    static Request flush() {
      Request r = new Request(null, true);
      r.flush = true;
      return r;
    }

    /** A commit of the engine's own (a checkpoint's copy): never refused for a deadline. */
    static Request internal(Consumer<Tx> apply, boolean sync) {
      return new Request(apply, sync, false);
    }

    /**
     * Writes the pages of the working transaction of {@code BUFFERED} writes, unforced, so that the
     * state readers see is one of pages (for a cursor or snapshot): never refused for a deadline.
     */
    static Request publishWork() {
      Request r = new Request(null, false, false);
      r.publish = true;
      return r;
    }

    /** A step of a compaction: a commit of its own, never refused for a deadline. */
    static Request alone(Supplier<Tx> plan) {
      return new Request(null, true, false, plan);
    }

    private String operation() {
      return apply == null ? "flush" : "write";
    }

    /**
     * Throws {@link DeadlineExceededException} if this request's deadline has passed.
     *
     * @throws DeadlineExceededException naming the request
     */
    void checkDeadline() {
      if (mayExpire) {
        context.checkDeadline(operation());
      }
    }

    /**
     * If this request's deadline has passed, completes it with {@link DeadlineExceededException}
     * (nothing of it applied) and returns true.
     */
    boolean refuseIfExpired() {
      if (!mayExpire || !context.expired()) {
        return false;
      }
      done.completeExceptionally(
          new DeadlineExceededException(
              operation()
                  + " not started: the deadline of request '"
                  + context.requestId()
                  + "' ("
                  + context.deadline().orElseThrow()
                  + ") passed while it waited to be taken into a commit group",
              context.requestId()));
      return true;
    }
  }

  private static final Request STOP = Request.internal(null, false);

  private final PageFile file;
  private final Pager pager;
  private final Layout layout;
  private final Readers readers;
  private final FailStop failStop;
  private final EngineEventListener events;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final WriteLog log;

  /**
   * The writer's lock: whoever holds it owns the writer's state below. The committer's thread takes
   * it for each group; a caller's thread takes it to apply its own {@code BUFFERED} write (the fast
   * path of {@link #submit}), which then never waits for a hand-off.
   */
  private final java.util.concurrent.locks.ReentrantLock lock =
      new java.util.concurrent.locks.ReentrantLock();

  private final Thread thread;
  private volatile boolean closed;

  // ---- the writer's state: touched by the committer's thread only ------------------------------
  private final Freelist freelist;
  private List<Long> chainPages;
  private long nextTxid;
  private long highWater;
  private long syncedTxid;
  private int durableSlot;
  private long unforcedBytes; // written since the last force
  private Request carried; // a request taken while forming a group that must run alone

  /**
   * A commit of the working transaction's pages that the pages waiting for a durable meta made
   * durable, with its forces and meta still to come (decision 0031): its pages are written and
   * readers see its state; the committer's thread forces the file, writes the meta and forces it
   * again once it has let go of the writer's lock, while {@code BUFFERED} writers go on logging
   * into the next working transaction. Null when none; at most one, finished before the next group.
   */
  private InFlight inFlight;

  /** A durable commit whose pages are written: what {@link #finishInFlight} still does. */
  private record InFlight(long txid, Meta meta, int slot, String why) {}

  /**
   * The working transaction of {@code BUFFERED} writes (decision 0026): every such write since the
   * last commit, logged and visible to gets through {@link Version#working}; null when none.
   */
  private Tx work;

  private boolean stopped; // the committer took STOP: no write may start any more
  private boolean workCommitQueued; // a caller asked the committer to commit the working state
  private Request workCommit; // that request, which BUFFERED writers wait for (workCommitQueued)
  private long lastWriteNanos; // when a BUFFERED group was last logged

  /**
   * Set by a compaction: each commit gives the free pages at the file's top back (lowers the
   * high-water mark), is made durable when it did, and then truncates the file. Cleared once the
   * top page is in use; kept while it is pending (pinned by a reader, or waiting for a sync), so
   * that the first commit after it is released gives it back.
   */
  private boolean trimWanted;

  // ---- figures, for statistics -----------------------------------------------------------------
  final LongAdder commits = new LongAdder();
  final LongAdder groups = new LongAdder();
  final LongAdder requests = new LongAdder();
  final LongAdder syncs = new LongAdder();
  final LongAdder pagesWritten = new LongAdder();
  final LongAdder forcedByPending = new LongAdder();
  final LongAdder bufferedGroups = new LongAdder();
  final LongAdder workCommits = new LongAdder();
  private volatile long logBytes;
  private volatile long freePages;
  private volatile long pendingPages;
  private volatile long pendingUnsynced;
  final LongAdder compactions = new LongAdder();
  final LongAdder pagesRelocated = new LongAdder();
  final LongAdder givenBack = new LongAdder();
  final LongAdder bytesReleased = new LongAdder();
  private volatile boolean trimDeferred;

  Committer(
      Recovery.Opened opened,
      WriteLog log,
      Pager pager,
      Readers readers,
      FailStop failStop,
      EngineEventListener events,
      String name) {
    this.events = events;
    this.file = opened.file();
    this.log = log;
    this.pager = pager;
    this.layout = pager.layout();
    this.readers = readers;
    this.failStop = failStop;
    this.freelist = opened.freelist();
    this.chainPages = opened.chainPages();
    this.nextTxid = opened.nextTxid();
    this.highWater = opened.version().meta.highWater();
    this.syncedTxid = opened.version().txid();
    this.durableSlot = opened.version().slot;
    this.freePages = freelist.freeCount();
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this);
  }

  void start() {
    thread.start();
  }

  /**
   * Queues {@code r} and waits for its outcome, uninterruptibly: an acknowledged write is never
   * abandoned half-way by an interrupt (the caller's interrupt is given back).
   *
   * @throws ConflictException if its precondition failed
   * @throws EngineFailedException if the store has stopped
   * @throws ClosedHandleException if the store closed first
   * @throws DeadlineExceededException if the request's deadline passed before it was taken into a
   *     group: nothing of it was applied
   */
  void submit(Request r) {
    r.checkDeadline();
    failStop.check();
    if (closed) {
      throw new ClosedHandleException("store " + file.path().getParent() + " is closed");
    }
    if (r.apply != null && !r.sync && !r.publish && r.plan == null) {
      Request due;
      // A BUFFERED write: applied, logged and published on the caller's thread (decision 0026).
      lock.lock();
      try {
        if (stopped) {
          throw new ClosedHandleException("store " + file.path().getParent() + " is closed");
        }
        if (!r.refuseIfExpired()) {
          process(List.of(r), true);
        }
        due = workCommitQueued ? workCommit : null;
      } finally {
        lock.unlock();
      }
      if (due != null) {
        // NB: back-pressure. The working transaction is full and its commit is queued: a writer
        // that went on applying until the committer's thread ran would grow it past its bound
        // (under load, to twice that and more), and with it the pages the file keeps freed.
        due.done.handle((v, t) -> null).join();
      }
    } else {
      queue.add(r);
      if (closed) {
        failIfQueued(r);
      }
    }
    try {
      r.done.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConflictException c) {
        throw c;
      }
      if (cause instanceof DeadlineExceededException d) {
        // NB: thrown as made, by the committer as it formed a group: its trace shows where.
        throw d;
      }
      if (cause instanceof InvalidArgumentException c) {
        throw c;
      }
      if (cause instanceof EngineFailedException c) {
        throw new EngineFailedException(c.getMessage(), c);
      }
      if (cause instanceof ClosedHandleException c) {
        throw new ClosedHandleException(c.getMessage());
      }
      if (cause instanceof StorageException s) {
        s.addSuppressed(new Exception("rethrown on the caller's thread"));
        throw s;
      }
      throw new EngineFailedException("the committer failed: " + cause, cause);
    }
  }

  private void failIfQueued(Request r) {
    if (queue.remove(r)) {
      r.done.completeExceptionally(new ClosedHandleException("the store closed"));
    }
  }

  /** Stops the thread once the queued requests are done, and waits for it. Idempotent. */
  void close() {
    closed = true;
    queue.add(STOP);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Request r;
    while ((r = queue.poll()) != null) {
      r.done.completeExceptionally(new ClosedHandleException("the store closed"));
    }
  }

  @Override
  public void run() {
    try {
      boolean stop = false;
      while (!stop) {
        List<Request> group = new ArrayList<>();
        stop = takeGroup(group);
        if (group.isEmpty() && !stop) {
          lock.lock();
          try {
            if (work != null
                && System.nanoTime() - lastWriteNanos >= IDLE_COMMIT_MILLIS * 1_000_000) {
              Events.within(null, () -> idleCommit());
            }
          } finally {
            lock.unlock();
          }
          finishInFlight();
        }
        if (!group.isEmpty()) {
          RequestContext cause = null;
          for (Request r : group) {
            if (r.context != null) {
              cause = r.context;
              break;
            }
          }
          lock.lock();
          try {
            Events.within(cause, () -> process(group, false));
          } finally {
            lock.unlock();
          }
          finishInFlight();
        }
      }
      lock.lock();
      try {
        stopped = true;
        if (!failStop.failed() && work != null) {
          Events.within(null, () -> commitWork(true));
        }
        if (!failStop.failed()) {
          Events.within(null, () -> giveBackOrStop());
        }
        if (!failStop.failed() && syncedTxid < readers.current().txid()) {
          // A clean close leaves the last state durable: the next open need not verify its pages.
          forceCurrent();
        }
      } finally {
        lock.unlock();
      }
    } catch (Throwable t) {
      failStop.stop("the committer failed unexpectedly", t);
    } finally {
      Request r = carried;
      carried = null;
      if (r != null) {
        r.done.completeExceptionally(
            failStop.failed() ? failStop.failure() : new ClosedHandleException("the store closed"));
      }
      while ((r = queue.poll()) != null) {
        r.done.completeExceptionally(
            failStop.failed() ? failStop.failure() : new ClosedHandleException("the store closed"));
      }
    }
  }

  /**
   * Takes the next group into {@code group}: waits for a request, then takes those queued behind
   * it, refusing on the way those whose deadline passed while they waited.
   *
   * @return whether the committer is to stop after this group
   */
  private boolean takeGroup(List<Request> group) {
    Request first = carried != null ? carried : take();
    carried = null;
    if (first == null) {
      return false; // idle: the caller commits the working state
    }
    if (first == STOP) {
      return true;
    }
    if (first.plan != null) {
      group.add(first);
      return false;
    }
    if (!first.refuseIfExpired()) {
      group.add(first);
    }
    Request more;
    while (group.size() < MAX_GROUP && (more = queue.poll()) != null) {
      if (more == STOP) {
        return true;
      }
      if (more.plan != null) {
        carried = more; // NB: runs alone, as the next group
        break;
      }
      if (!more.refuseIfExpired()) {
        group.add(more);
      }
    }
    return false;
  }

  /**
   * The next request; null after {@link #IDLE_COMMIT_MILLIS} without one (the caller then looks
   * whether a working state waits for an idle commit).
   */
  private Request take() {
    while (true) {
      try {
        return queue.poll(IDLE_COMMIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // Nobody interrupts the committer but a JVM shutting down: keep serving until STOP.
      }
    }
  }

  /**
   * Applies and commits {@code group}, holding the writer's lock; {@code onCaller}: a {@code
   * BUFFERED} request on its caller's thread, which never writes the data file (a commit it makes
   * due is queued for the committer).
   */
  private void process(List<Request> group, boolean onCaller) {
    groups.increment();
    requests.add(group.size());
    EngineFailedException failed = failStop.failure();
    if (failed != null) {
      group.forEach(r -> r.done.completeExceptionally(failed));
      return;
    }
    if (group.getFirst().plan != null) {
      if (work != null && !commitWorkOrFail(group)) {
        return;
      }
      processAlone(group.getFirst());
      return;
    }
    boolean sync = false;
    boolean publish = false;
    boolean flush = false;
    boolean fresh = work == null;
    Tx tx = fresh ? new Tx(nextTxid, readers.current(), pager) : work;
    tx.keepJournal();
    Tx.Mark mark = tx.mark();
    List<Request> applied = new ArrayList<>(group.size());
    List<Request> refused = new ArrayList<>();
    List<RuntimeException> reasons = new ArrayList<>();
    RuntimeException damaged = null;
    try {
      for (Request r : group) {
        if (r.apply != null) {
          try {
            r.apply.accept(tx);
          } catch (ConflictException | InvalidArgumentException e) {
            // Nothing of it was applied. NB: its outcome is told only once the group is
            // committed: it may rest on an earlier request of the group, which no reader sees
            // before the commit.
            refused.add(r);
            reasons.add(e);
            continue;
          }
        }
        applied.add(r);
        sync |= r.sync;
        publish |= r.publish;
        flush |= r.flush;
      }
    } catch (RuntimeException | Error e) {
      // NB: the transaction may hold part of a request: back to where the group began (the
      // working state readers see, acknowledged and logged); nothing of the group was written.
      tx.rollback(mark);
      for (Request r : group) {
        r.done.completeExceptionally(e);
      }
      return;
    }
    try {
      if (sync || tx.structural()) {
        work = null;
        workCommitQueued = false; // NB: this commit takes the working state a queued one was for
        workCommit = null;
        if (tx.changed()) {
          commit(tx, true, applied.size(), false);
        } else if (sync && syncedTxid < readers.current().txid()) {
          forceCurrent();
        }
        if (flush) {
          // NB: the flush is durable by now; a damaged page met by the relocation fails the group
          // (nothing of the step that met it was written).
          damaged = giveBack();
        }
      } else {
        List<WriteLog.Effect> effects = tx.journalSince(mark);
        if (!effects.isEmpty()) {
          // Acknowledged once the operating system has the record: a process crash keeps it.
          log.append(effects);
          logBytes = log.bytes();
          lastWriteNanos = System.nanoTime();
          bufferedGroups.increment();
          Version base = readers.current();
          readers.publish(new Version(base.meta, base.catalog, base.slot, tx.view()));
          tx.mark(); // NB: readers may now reach every dirty node: later changes copy them
          work = tx;
        }
        if (work != null
            && (publish
                || work.dirtyMade() > workingBound()
                || work.effects() > WORKING_EFFECTS
                || work.largestNode() > WORKING_NODE_ENTRIES
                || log.bytes() > LOG_BYTES)) {
          boolean durable = log.bytes() > LOG_BYTES;
          if (!onCaller) {
            commitWork(durable);
          } else if (!workCommitQueued) {
            // NB: the data file is written on engine threads only: hand the commit over.
            workCommitQueued = true;
            workCommit = durable ? Request.internal(null, true) : Request.publishWork();
            queue.add(workCommit);
          }
        }
      }
    } catch (Throwable e) {
      EngineFailedException f =
          failStop.stop("the commit of transaction " + tx.txid + " failed", e);
      applied.forEach(r -> r.done.completeExceptionally(f));
      refused.forEach(r -> r.done.completeExceptionally(f));
      return;
    }
    if (damaged != null) {
      RuntimeException d = damaged;
      applied.forEach(r -> r.done.completeExceptionally(d));
    } else {
      applied.forEach(r -> r.done.complete(null));
    }
    for (int i = 0; i < refused.size(); i++) {
      refused.get(i).done.completeExceptionally(reasons.get(i));
    }
  }

  /**
   * Replays the log of {@code BUFFERED} writes made after the durable state opened at, and commits
   * them durably; before the committer starts, on the opening thread (an engine thread).
   *
   * @return what the replay found, for the recovery event
   */
  WriteLog.Replayed replay() {
    Version v = readers.current();
    Tx tx = new Tx(nextTxid, v, pager);
    WriteLog.Replayed r = log.replay(v.meta, effects -> effects.forEach(e -> apply(tx, e)));
    if (tx.changed()) {
      work = tx;
      commitWork(true);
    } else if (v.meta.formatVersion() != FormatVersion.CURRENT.number()) {
      // NB: an engine that reads only the older format must refuse the store once it has a log.
      Tx upgrade = new Tx(nextTxid, v, pager);
      upgrade.touch();
      commit(upgrade, true, 0, false);
    } else {
      log.reset(v.txid());
    }
    return r;
  }

  static void apply(Tx tx, WriteLog.Effect e) {
    if (!tx.hasKeyspace(e.keyspace())) {
      throw new dev.cairn.spi.CorruptionException(
          WriteLog.NAME
              + ": a logged write names keyspace '"
              + e.keyspace()
              + "', which the store does not have");
    }
    if (e.value() == null) {
      tx.delete(e.keyspace(), e.key());
    } else {
      tx.put(e.keyspace(), e.key(), e.value());
    }
  }

  /** Commits the working state before a request that must run alone; false if that failed. */
  private boolean commitWorkOrFail(List<Request> group) {
    try {
      commitWork(true);
      return true;
    } catch (Throwable e) {
      EngineFailedException f =
          failStop.stop("the commit of transaction " + nextTxid + " failed", e);
      group.forEach(r -> r.done.completeExceptionally(f));
      return false;
    }
  }

  /**
   * The working state waited for writes long enough: committed durably, and the pages a load left
   * free given back.
   */
  private void idleCommit() {
    try {
      commitWork(true);
    } catch (Throwable e) {
      failStop.stop("the commit of transaction " + nextTxid + " failed", e);
      return;
    }
    giveBackOrStop();
  }

  /**
   * {@link #giveBack} where no caller waits: a page found damaged ends it (nothing of its step was
   * written; the {@link EngineEvent.Kind#COMPACTION} event names it), and the next reader or
   * compaction that meets the page throws.
   */
  private void giveBackOrStop() {
    try {
      giveBack();
    } catch (Throwable e) {
      failStop.stop("giving the free pages of a load back failed", e);
    }
  }

  /**
   * The free pages a file may keep beyond its tree without a flush giving them back: what a working
   * transaction of the bounds before decision 0033 left, a {@link #PENDING_SYNC_FRACTION}th of the
   * file, at least {@link #WORKING_NODES_MIN}.
   */
  private long keptFree() {
    return Math.max(WORKING_NODES_MIN, highWater / PENDING_SYNC_FRACTION);
  }

  /**
   * Gives the free pages a load left beyond its tree back to the file system (decision 0033), once
   * a flush, an idle commit or a close made everything durable: when more than {@link #keptFree}
   * pages are free (a working transaction's commit frees about as many pages as it writes, and the
   * larger working transactions leave up to a quarter of the file free), the pages above the tree's
   * size move into the free ones below, in relocation steps, and the file is cut, as {@link
   * #compact} does, on this thread and under the writer's lock; each step is an ordinary durable
   * commit. Pages a reader still holds are not free: they are neither counted nor moved over.
   *
   * @return null, or why a step could not be planned (a page read on the way was damaged): nothing
   *     of that step was written; the steps before it are durable
   */
  private RuntimeException giveBack() {
    if (work != null || inFlight != null || failStop.failed()) {
      return null;
    }
    freelist.release(Math.min(readers.oldestReadTxid(), syncedTxid), pager.cache()::drop);
    freePages = freelist.freeCount();
    pendingPages = freelist.pendingCount();
    boolean move = freelist.freeCount() > keptFree();
    // NB: a file longer than its high-water mark: a crash came between a giving back's (or a
    // compaction's) last commit and its truncate, or after pages written without a meta. The trim
    // commit below cuts it, as the next compaction would.
    boolean tail = file.size() > layout.offset(highWater);
    if (!move && !tail) {
      return null;
    }
    long start = System.nanoTime();
    long before = file.size();
    long steps = move ? 16 + 4 * (highWater / stepPages()) : 0;
    for (long step = 0; step < steps; step++) {
      long[] moved = {0};
      Tx tx;
      try {
        tx = planRelocation(moved);
      } catch (RuntimeException e) {
        Events.report(
            events,
            EngineEvent.Kind.COMPACTION,
            start,
            -1,
            "free pages of a load given back: failed: " + e.getMessage());
        return e;
      }
      if (tx == null) {
        break;
      }
      commit(tx, true, 0, false);
      pagesRelocated.add(moved[0]);
    }
    trimWanted = true;
    Tx trim = new Tx(nextTxid, readers.current(), pager);
    trim.touch();
    commit(trim, true, 0, false);
    givenBack.increment();
    long shrank = Math.max(0, before - file.size());
    Events.report(
        events,
        EngineEvent.Kind.COMPACTION,
        start,
        shrank,
        "free pages of a load given back: the file shrank by " + shrank + " bytes");
    return null;
  }

  /**
   * Commits the working transaction of {@code BUFFERED} writes: its pages written, and durably
   * ({@code durable}: forced, a meta, forced; the log started anew) or not (readers then see the
   * pages; the log still holds the writes until a durable commit).
   */
  private void commitWork(boolean durable) {
    Tx tx = work;
    work = null;
    workCommitQueued = false;
    workCommit = null;
    if (tx == null || !tx.changed()) {
      return;
    }
    workCommits.increment();
    // NB: a commit the caller did not ask to be durable may have its forces deferred: only the
    // committer's thread commits the working state (a caller's thread hands it over), and it
    // finishes them before it takes its next group.
    commit(tx, durable, (int) Math.min(Integer.MAX_VALUE, log.records()), !durable);
  }

  /**
   * The nodes the working transaction may make dirty before its pages are written: a {@link
   * #WORKING_FRACTION}th of the file, within {@code [}{@link #WORKING_NODES_MIN}{@code , }{@link
   * #WORKING_NODES}{@code ]}. The pages a commit replaces wait for a durable meta, and the next
   * commits can use only the pages freed before it: while a load runs, a file holds its tree plus
   * about one working transaction's pages, which a flush then gives back ({@link #giveBack}).
   */
  private long workingBound() {
    return Math.min(WORKING_NODES, Math.max(WORKING_NODES_MIN, highWater / WORKING_FRACTION));
  }

  /** Runs a compaction's step: plans its transaction and commits it durably. */
  private void processAlone(Request r) {
    Tx tx;
    try {
      tx = r.plan.get();
    } catch (RuntimeException | Error e) {
      // NB: nothing was written: the plan only read pages and built a transaction.
      r.done.completeExceptionally(e);
      return;
    }
    try {
      if (tx != null && tx.changed()) {
        commit(tx, true, 1, false);
      }
    } catch (Throwable e) {
      r.done.completeExceptionally(
          failStop.stop("the commit of transaction " + tx.txid + " failed", e));
      return;
    }
    r.done.complete(null);
  }

  /**
   * Makes the current state durable: everything written so far, its meta included. When that meta
   * was written by a {@code BUFFERED} commit, it still says its newest pages may be missing; a meta
   * of its own (same trees, the next txid) is then written and forced into the other slot, so that
   * an open trusts the state as durable: never falls back from it, even past a damaged page.
   */
  private void forceCurrent() {
    Version current = readers.current();
    force("everything written through transaction " + current.txid() + " (made durable)");
    syncs.increment();
    syncedTxid = current.txid();
    // NB: durableSlot is kept by every commit that forced a meta; a published version's slot may
    // predate the meta of a commit made durable in the background (decision 0031).
    Meta m = current.meta;
    if (m.syncedThrough() < m.txid()) {
      long txid = nextTxid++;
      Meta synced =
          new Meta(
              txid,
              FormatVersion.CURRENT.number(),
              m.pageSize(),
              m.highWater(),
              txid,
              m.catalog(),
              m.freelist(),
              m.treeNodes(),
              m.treeBytes(),
              m.inlineCatalog(),
              m.inlineFreelist());
      int slot = 1 - durableSlot;
      writeFile(layout.offset(slot), synced.encode(slot));
      force(
          "meta of transaction "
              + txid
              + " in slot "
              + slot
              + " (marks "
              + current.txid()
              + " durable)");
      syncedTxid = txid;
      durableSlot = slot;
      log.reset(txid);
      logBytes = 0;
      readers.publish(new Version(synced, current.catalog, slot));
    }
  }

  /**
   * Where a commit's pages go. Pages of consecutive ids are gathered into one write of up to
   * {@value #RUN_BYTES} bytes (a long value's overflow chain, pages taken from the file's end): one
   * system call, and one file-system mutation for a crash to land after, instead of one per page.
   * {@link #flush} writes what is gathered; a commit calls it before anything may read its pages
   * from the file (a force, a meta, the publication of its version).
   */
  private final class Output implements Tx.Output {
    private final List<byte[]> run = new ArrayList<>();
    private long runFirst = -1;

    @Override
    public long allocate() {
      long id = freelist.allocate();
      return id >= 0 ? id : highWater++;
    }

    @Override
    public void write(long pageId, byte[] page) {
      if (!run.isEmpty()
          && (pageId != runFirst + run.size() || (run.size() + 1L) * page.length > RUN_BYTES)) {
        flush();
      }
      if (run.isEmpty()) {
        runFirst = pageId;
      }
      run.add(page);
      pagesWritten.increment();
      byte type = page[PageFormat.TYPE_OFFSET];
      if (type == PageFormat.LEAF || type == PageFormat.BRANCH) {
        // Reads after writes hit: the page as written, its txid in its header.
        pager.cache().put(pageId, PageFormat.txid(page), page);
      }
    }

    @Override
    public void written(Node n) {
      pager.written(n);
    }

    /** Writes the gathered pages, if any. */
    void flush() {
      if (run.isEmpty()) {
        return;
      }
      byte[] bytes;
      if (run.size() == 1) {
        bytes = run.getFirst();
      } else {
        int pageSize = run.getFirst().length;
        bytes = new byte[run.size() * pageSize];
        for (int i = 0; i < run.size(); i++) {
          System.arraycopy(run.get(i), 0, bytes, i * pageSize, pageSize);
        }
      }
      long first = runFirst;
      run.clear();
      runFirst = -1;
      writeFile(layout.offset(first), bytes);
    }
  }

  private void writeFile(long offset, byte[] bytes) {
    file.write(offset, bytes);
    unforcedBytes += bytes.length;
  }

  /**
   * Forces the file and reports it: an {@link EngineEvent.Kind#FSYNC} of the bytes written since
   * the last force, named by the request whose group is being committed, if any.
   */
  private void force(String what) {
    long start = System.nanoTime();
    long bytes = unforcedBytes;
    boolean forced = false;
    try {
      file.force();
      forced = true;
      unforcedBytes = 0;
    } finally {
      Events.report(
          events,
          EngineEvent.Kind.FSYNC,
          start,
          bytes,
          "fsync of " + what + (forced ? "" : ": failed"));
    }
  }

  /**
   * Commits {@code tx}: durably when {@code syncRequested}, or when the pages waiting for a durable
   * meta call for it; then, when {@code mayDefer}, only its pages are written here, and its forces
   * and meta are left to {@link #finishInFlight} (decision 0031).
   */
  private void commit(Tx tx, boolean syncRequested, int groupSize, boolean mayDefer) {
    if (inFlight != null) {
      throw new IllegalStateException(
          "transaction " + tx.txid + " commits while " + inFlight.txid + " has not been forced");
    }
    long txid = tx.txid;
    Version base = readers.current();
    freelist.release(Math.min(readers.oldestReadTxid(), syncedTxid), pager.cache()::drop);
    boolean trimmed = false;
    if (trimWanted) {
      // NB: only free pages go: no reader and no durable meta uses them (Freelist.release).
      long h = freelist.trimTop(highWater);
      trimmed = h < highWater;
      highWater = h;
    }
    Output out = new Output();
    Catalog catalog = tx.spill(out);
    for (long id : chainPages) {
      freelist.free(txid, id);
    }
    for (long id : tx.freed()) {
      freelist.free(txid, id);
    }
    List<Long> chains = new ArrayList<>();
    byte[] catalogBytes = catalog.encode();
    BlobRef catalogRef = Meta.INLINE;
    BlobRef freelistRef = Meta.INLINE;
    byte[] inlineCatalog = null;
    byte[] inlineFreelist = null;
    if (Meta.fitsInline(catalogBytes.length, freelist.encodedSize(), layout.pageSize())) {
      inlineCatalog = catalogBytes;
      inlineFreelist = freelist.encode();
    } else {
      Blobs.PageSink chainSink =
          (id, page) -> {
            out.write(id, page);
            chains.add(id);
          };
      catalogRef =
          Blobs.write(catalogBytes, PageFormat.CATALOG, txid, out::allocate, chainSink, layout);
      // NB: the freelist's own pages come off the freelist: take them first, then list what is
      // left, padded so that the chain uses exactly the pages taken (none leaks, none is listed
      // and used).
      long[] ids = takeChainPages(freelist, out::allocate, layout);
      int k = ids.length;
      byte[] list = freelist.encode();
      int minLength = (k - 1) * layout.blobPayload() + 1;
      if (list.length < minLength) {
        list = java.util.Arrays.copyOf(list, minLength);
      }
      int[] next = {0};
      freelistRef =
          Blobs.write(list, PageFormat.FREELIST, txid, () -> ids[next[0]++], chainSink, layout);
    }
    out.flush();
    if (freelist.pendingMax() >= highWater || freelist.freeMax() >= highWater) {
      // NB: never write a meta whose freelist names pages past its high-water mark.
      throw new IllegalStateException(
          "transaction "
              + txid
              + " would list pages at or above its high-water mark "
              + highWater
              + " as free ("
              + freelist.freeMax()
              + ") or pending ("
              + freelist.pendingMax()
              + ")");
    }
    // NB: a commit made durable behind the writers forces its meta before the next commit, so the
    // pages it freed are reusable by that commit, as before (decision 0031). Leaving the meta to
    // the next commit's force (one force a commit) kept them one commit more: 2,313 pages free and
    // pending after a random load of 100,000 entries, against 1,184.
    long unsynced = freelist.pendingAfter(syncedTxid);
    boolean sync =
        syncRequested
            || trimmed
            || unsynced > Math.max(PENDING_SYNC_PAGES, highWater / PENDING_SYNC_FRACTION);
    if (sync && !syncRequested && !trimmed) {
      forcedByPending.increment();
    }
    boolean defer = sync && mayDefer && !syncRequested && !trimmed && !trimWanted;
    Meta meta =
        new Meta(
            txid,
            FormatVersion.CURRENT.number(),
            layout.pageSize(),
            highWater,
            sync ? txid : syncedTxid,
            catalogRef,
            freelistRef,
            base.meta.treeNodes() + tx.nodesDelta(),
            base.meta.treeBytes() + tx.bytesDelta(),
            inlineCatalog,
            inlineFreelist,
            // NB: writers log on while the deferred forces run, so the log is not cut after this
            // meta: it says how much of the log its state holds (an open replays the rest).
            defer ? log.generation() : 0,
            defer ? log.sequence() : 0);
    int slot = 1 - durableSlot;
    String why =
        syncRequested
            ? ""
            : trimmed
                ? ", forced: the file's top pages are given back"
                : ", forced: " + unsynced + " pages pinned until a sync";
    if (defer) {
      inFlight = new InFlight(txid, meta, slot, why);
      chainPages = chains;
      nextTxid = txid + 1;
      commits.increment();
      freePages = freelist.freeCount();
      pendingPages = freelist.pendingCount();
      // NB: readers may read its pages now: they are written (the operating system has them). Not
      // durable until finishInFlight forced them and its meta.
      readers.publish(new Version(meta, catalog, durableSlot));
      return;
    }
    if (sync) {
      force(
          "data of transaction "
              + txid
              + " (group commit of "
              + groupSize
              + " requests"
              + why
              + ")");
    }
    if (sync) {
      // NB: a commit that is not durable writes no meta: the last durable meta and the log of
      // BUFFERED writes are what an open finds (decision 0026); its pages are only for readers.
      writeFile(layout.offset(slot), meta.encode(slot));
      force(
          "meta of transaction "
              + txid
              + " in slot "
              + slot
              + " (group commit of "
              + groupSize
              + " requests"
              + why
              + ")");
      syncs.increment();
      syncedTxid = txid;
      durableSlot = slot;
      log.reset(txid);
      logBytes = 0;
      if (trimWanted) {
        truncate(txid);
      }
    }
    if (trimWanted) {
      trimWanted = freelist.pendingMax() == highWater - 1;
      trimDeferred = trimWanted;
    }
    chainPages = chains;
    nextTxid = txid + 1;
    commits.increment();
    freePages = freelist.freeCount();
    pendingPages = freelist.pendingCount();
    pendingUnsynced = freelist.pendingAfter(syncedTxid);
    readers.publish(new Version(meta, catalog, sync ? slot : durableSlot));
  }

  /**
   * Makes the commit left in flight durable (decision 0031): forces the file, writes its meta into
   * the slot that does not hold the last durable meta, and forces again, on the committer's thread
   * and without the writer's lock, so that {@code BUFFERED} writers go on applying and logging into
   * the next working transaction meanwhile; then, under the lock, takes the meta as the durable one
   * (the pages that transaction freed may be reused from the next commit on) and cuts the log when
   * no writer logged since. A failure fail-stops the store: every write acknowledged meanwhile is
   * in the log, and the last durable meta is whole.
   */
  private void finishInFlight() {
    InFlight f = inFlight;
    if (f == null) {
      return;
    }
    inFlight = null;
    if (failStop.failed()) {
      return; // NB: a failed store writes nothing more; the last durable meta and the log stand
    }
    try {
      force("data of transaction " + f.txid() + " (a working transaction" + f.why() + ")");
      writeFile(layout.offset(f.slot()), f.meta().encode(f.slot()));
      force(
          "meta of transaction "
              + f.txid()
              + " in slot "
              + f.slot()
              + " (a working transaction"
              + f.why()
              + ")");
    } catch (Throwable e) {
      failStop.stop("the commit of transaction " + f.txid() + " failed", e);
      return;
    }
    lock.lock();
    try {
      syncs.increment();
      syncedTxid = f.txid();
      durableSlot = f.slot();
      if (log.generation() == f.meta().logGeneration() && log.sequence() == f.meta().logRecords()) {
        log.reset(f.txid()); // NB: no writer logged since: the meta holds the whole log
        logBytes = 0;
      }
      pendingUnsynced = freelist.pendingAfter(syncedTxid);
    } catch (Throwable e) {
      failStop.stop("the commit of transaction " + f.txid() + " failed", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cuts the file to the high-water mark of the meta just forced, and forces it. The pages cut off
   * were free in that meta and in the other slot's (the durable meta before it, whose txid the
   * release of those pages waited for), and no reader uses them: a crash before or after leaves
   * either meta whole.
   */
  private void truncate(long txid) {
    long size = layout.offset(highWater);
    long before = file.size();
    if (before <= size) {
      return;
    }
    file.truncate(size);
    force("the file cut to " + highWater + " pages after transaction " + txid);
    bytesReleased.add(before - size);
  }

  // ---- compaction: from the caller's thread ---------------------------------------------------

  /** Pages one relocation step may rewrite: about 32 MiB of nodes in memory. */
  private int stepPages() {
    return Math.max(256, (32 << 20) / layout.pageSize());
  }

  /**
   * Compacts in place ({@code docs/engines/btree.md}, "Checkpoints and compaction"): relocation
   * steps, each a durable commit of its own, move the pages of the current state that lie above a
   * target into free pages below it, until none can move; a last commit gives the free pages at the
   * top back and truncates the file. Writers queue between the steps; readers never wait.
   *
   * @return the bytes by which the file shrank
   */
  long compact() {
    long before = file.size();
    // NB: a bound on the steps, for writers that keep adding pages above the target meanwhile;
    // without them each step leaves fewer pages above it, and the steps end by themselves.
    long steps = 16 + 4 * (before / layout.pageSize() / stepPages());
    for (long step = 0; step < steps; step++) {
      long[] moved = {0};
      submit(Request.alone(() -> planRelocation(moved)));
      if (moved[0] == 0) {
        break;
      }
      pagesRelocated.add(moved[0]);
    }
    submit(
        Request.alone(
            () -> {
              trimWanted = true;
              Tx tx = new Tx(nextTxid, readers.current(), pager);
              tx.touch();
              return tx;
            }));
    compactions.increment();
    return Math.max(0, before - file.size());
  }

  /**
   * Plans one relocation step: the target is the pages the state uses, plus room for the chains of
   * a commit and the paths above what moves; what lies above it moves into the free pages below it,
   * as many as those pages hold. Null when nothing above can move.
   */
  private Tx planRelocation(long[] moved) {
    trimWanted = true;
    freelist.release(Math.min(readers.oldestReadTxid(), syncedTxid), pager.cache()::drop);
    Version v = readers.current();
    long used = highWater - Meta.SLOTS - freelist.freeCount() - freelist.pendingCount();
    long reserve = chainPages.size() + 4L;
    long trees = v.catalog.roots().values().stream().filter(t -> !t.empty()).count();
    long limit = Meta.SLOTS + used + reserve + 8L * trees + 8;
    if (limit >= highWater) {
      return null;
    }
    long budget = Math.min(stepPages(), freelist.freeBelow(limit) - reserve);
    if (budget <= 0) {
      return null;
    }
    Tx tx = new Tx(nextTxid, v, pager);
    moved[0] = tx.relocate(limit, budget);
    return moved[0] > 0 ? tx : null;
  }

  /** Whether pages at the file's top wait for a reader to close before they are given back. */
  boolean trimDeferred() {
    return trimDeferred;
  }

  /**
   * Takes the pages of the freelist's own chain off {@code freelist}: as many as its list, once
   * they are taken, needs. NB: taking a page can lengthen the list (a page taken from within a run
   * of free and pending pages splits it in two; a gap can need another varint byte), so pages are
   * taken until the list fits them; the chain is then padded to use exactly these.
   */
  static long[] takeChainPages(
      Freelist freelist, java.util.function.LongSupplier allocate, Layout layout) {
    int k = Blobs.pagesFor(freelist.encodedSize(), layout);
    List<Long> taken = new ArrayList<>(k);
    while (true) {
      while (taken.size() < k) {
        taken.add(allocate.getAsLong());
      }
      int need = Blobs.pagesFor(freelist.encodedSize(), layout);
      if (need <= k) {
        return taken.stream().mapToLong(Long::longValue).toArray();
      }
      k = need;
    }
  }

  /** Bytes of the log of BUFFERED writes since the last durable commit. */
  long logBytes() {
    return logBytes;
  }

  long freePages() {
    return freePages;
  }

  long pendingPages() {
    return pendingPages;
  }

  long pendingUnsynced() {
    return pendingUnsynced;
  }
}
