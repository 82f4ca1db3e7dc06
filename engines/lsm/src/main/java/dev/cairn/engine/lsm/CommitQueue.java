package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.BusyException;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The write path: every write is logged to the write-ahead log, inserted into the memtable and made
 * visible, with group commit on the callers' threads.
 *
 * <p>Design (LevelDB's {@code BuildBatchGroup}, RocksDB's write thread; decision 0012): callers
 * queue a {@link Request}; whichever caller finds nobody leading becomes the <em>leader</em> and,
 * on its own thread, takes everything queued, gives each write its sequence numbers, frames them
 * into one buffer, writes it to the log with one {@code write}, inserts the entries into the
 * memtable and publishes the group's last sequence. Concurrent writers wait meanwhile. A {@code
 * BUFFERED} write returns once the OS has its bytes. A group holding a {@code SYNC} write (or a
 * sync request) is then handed to the {@link WalSyncer}, which forces the log once for every group
 * handed to it meanwhile and only then wakes those writers. The leader then wakes the writer of the
 * oldest queued request, which leads next.
 *
 * <p><b>Memtables.</b> Before a group is written, the leader checks the memtable's room: a full
 * memtable (or one the group would overflow) becomes immutable, and a new memtable starts with a
 * new log, created by the fsync thread after forcing the old one ({@link WalSyncer#roll}): a log
 * holds exactly the writes of its memtable. A group larger than a whole memtable goes into a fresh
 * one, which it may overfill once; memory stays bounded by the stall below.
 *
 * <p><b>Stalls.</b> When too many memtables wait to be flushed, or level 0 holds too many tables,
 * the leader waits for the flush and compaction threads, at most the stall timeout, then fails the
 * group with {@link BusyException} (nothing written).
 *
 * <p><b>Request contexts and deadlines</b> (SPI 1.2). Each request captures its caller's {@link
 * RequestContext}. A group is processed with the context of its first request that carries one
 * bound: the memtable switch, the log roll and the stall it meets, and the force the {@link
 * WalSyncer} makes for it, name that request. A request whose deadline passes while it waits to be
 * taken into a group ({@link #takeGroup}) or while its group waits in a stall is refused with
 * {@link DeadlineExceededException}, nothing of it written; once a group is being written, every
 * request in it is applied whole.
 *
 * <p><b>Fail-stop.</b> A failed write or force leaves the log's end unknown and dirty pages
 * possibly dropped: the group fails, and {@link FailStop} makes every later request fail with
 * {@link EngineFailedException}; reopening recovers from what is durable.
 *
 * <p>Thread-safe.
 */
final class CommitQueue {

  /** How long a waiting caller spins before parking. */
  private static final int CALLER_SPINS = 2048;

  private static final int SYNC_CALLER_SPINS = 64;

  /** How long a lone {@code SYNC} writer spins for its force before parking. */
  private static final long LONE_SPIN_NANOS = 2_000_000;

  private static final int YIELD_EVERY = 256;
  private static final int MAX_GROUP_BYTES = 1 << 20;
  private static final long STALL_SLICE_NANOS = 10_000_000;

  /** How much the log may grow unforced by {@code BUFFERED} writes before it is forced anyway. */
  static final long WAL_SYNC_BYTES = 1 << 20;

  /** What a request asks for. */
  enum Kind {
    /** Log and apply a batch. */
    WRITE,
    /** Make everything written so far durable. */
    SYNC,
    /** Make the memtable immutable (if it holds anything) and start a new one: a flush is due. */
    ROLL
  }

  /** A queued request; the caller waits for it in {@link CommitQueue#submit}. */
  static final class Request {
    final Kind kind;
    final boolean sync;
    final List<Condition> conditions;

    /** The caller's request context, or null. */
    final RequestContext context = RequestContext.currentOrNull();

    /** What a deadline refusal calls the operation ("write"), or null: never refused. */
    final String operation;

    // The operations and what they take: set on the caller's thread.
    List<Mutation> ops;
    byte[] body;
    long framedBytes;
    long memoryBytes;

    private boolean refused; // by the leader, when a condition failed
    private RuntimeException refusal;
    private volatile boolean done;
    private volatile boolean taken;
    private volatile Thread waiter;
    private RuntimeException error;

    /** A write of {@code ops}, encoded now, on the caller's thread. */
    Request(List<Mutation> ops, boolean sync) {
      this(ops, List.of(), sync);
    }

    /**
     * A write of {@code ops} that applies only if every one of {@code conditions} holds when the
     * leader gets to it. Encoded now, on the caller's thread.
     */
    Request(List<Mutation> ops, List<Condition> conditions, boolean sync) {
      this.conditions = conditions;
      this.kind = Kind.WRITE;
      this.sync = sync;
      this.operation = "write";
      setOps(ops);
    }

    /**
     * A request without operations, refused when late as {@code operation} (null: never refused,
     * the engine's own).
     */
    Request(Kind kind, String operation) {
      this.conditions = List.of();
      this.kind = kind;
      this.ops = List.of();
      this.body = new byte[0];
      this.sync = kind == Kind.SYNC;
      this.operation = operation;
    }

    /** Whether this request has a deadline and it has passed. */
    boolean late() {
      return operation != null && context != null && context.expired();
    }

    void setOps(List<Mutation> ops) {
      this.ops = ops;
      this.body = BatchCodec.encode(ops);
      this.framedBytes = WalFormat.framedSizeBound(WalRecord.BATCH_HEAD_SIZE + (long) body.length);
      long mem = 0;
      for (Mutation m : ops) {
        mem +=
            m.key().length + (m.value() == null ? 0 : m.value().length) + MemTable.ENTRY_OVERHEAD;
      }
      this.memoryBytes = mem;
    }

    /** Whether the request must lead a group of its own: its leader reads the latest state. */
    boolean leadsAlone() {
      return !conditions.isEmpty();
    }

    boolean durable() {
      return sync;
    }

    void complete(RuntimeException e) {
      error = e;
      done = true;
      Thread w = waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /**
   * A precondition of a write, on a store key.
   *
   * @param key the store key
   * @param expected the value it must hold, or null for "absent"
   * @param failure what to throw when it does not hold
   */
  record Condition(
      byte[] key, byte[] expected, java.util.function.Supplier<RuntimeException> failure) {}

  /**
   * The limits the leader keeps.
   *
   * @param memtableSize the bytes at which a memtable is full
   * @param maxImmutables how many full memtables may wait for the flush before writers stall
   * @param l0Stop how many level-0 tables make writers stall
   * @param stallTimeoutNanos how long a stalled group waits before failing with BusyException
   */
  record Limits(long memtableSize, int maxImmutables, int l0Stop, long stallTimeoutNanos) {}

  private final StoreState state;
  private final VersionSet versions;
  private final WalSyncer syncer;
  private final FsyncGuard guard;
  private final FailStop failStop;
  private final Statistics statistics;
  private final Limits limits;
  private final Consumer<MemTable> becomingImmutable;
  private final Runnable onImmutable;
  private final EngineEventListener listener;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean leading = new AtomicBoolean();
  private volatile boolean closed;
  private boolean finished; // guarded by this

  // ---- the leader's state: touched only by the thread holding `leading` ------------------------

  private Request carried;
  private WalFile wal;

  /** How far the current log was when a force of it was last queued with nobody waiting. */
  private long backgroundForcedTo;

  private long lastSequence;
  private boolean interruptSwallowed;
  private final ByteBuffer direct = ByteBuffer.allocateDirect(256 * 1024);
  private ByteBuffer buffer = direct;

  /**
   * @param wal the log to append to, just created (its memtable is the state's mutable one)
   * @param lastSequence the last sequence used
   * @param becomingImmutable told of each memtable about to become immutable, on the leader's
   *     thread with the group's request context bound (before the flush thread can see it)
   * @param onImmutable told when a memtable became immutable (a flush is due)
   * @param listener where events go
   */
  CommitQueue(
      StoreState state,
      VersionSet versions,
      WalSyncer syncer,
      WalFile wal,
      long lastSequence,
      FsyncGuard guard,
      FailStop failStop,
      Statistics statistics,
      Limits limits,
      Consumer<MemTable> becomingImmutable,
      Runnable onImmutable,
      EngineEventListener listener) {
    this.state = state;
    this.versions = versions;
    this.syncer = syncer;
    this.wal = wal;
    this.lastSequence = lastSequence;
    this.guard = guard;
    this.failStop = failStop;
    this.statistics = statistics;
    this.limits = limits;
    this.becomingImmutable = becomingImmutable;
    this.onImmutable = onImmutable;
    this.listener = listener;
  }

  /**
   * Queues {@code r} and waits until it is done: written and visible (and forced, if it asks for
   * that).
   *
   * @throws EngineFailedException if the store fail-stopped
   * @throws BusyException if the group stalled past the timeout (nothing written)
   * @throws StorageIOException if this request's write failed
   * @throws ClosedHandleException if the store closed first
   * @throws DeadlineExceededException if the request's deadline passed before it was taken into a
   *     group, or while its group stalled: nothing of it was written
   */
  void submit(Request r) {
    if (r.operation != null && r.context != null) {
      r.context.checkDeadline(r.operation);
    }
    if (!r.sync) {
      submitNow(r);
      return;
    }
    syncer.durableWriterEnters();
    try {
      submitNow(r);
    } finally {
      syncer.durableWriterLeaves();
    }
  }

  private void submitNow(Request r) {
    failStop.check();
    if (closed) {
      throw new ClosedHandleException("the store is closed");
    }
    queue.add(r);
    if (closed && queue.remove(r)) {
      throw new ClosedHandleException("the store is closed");
    }
    boolean interrupted = false;
    int spinLimit = r.sync ? SYNC_CALLER_SPINS : CALLER_SPINS;
    long spinStart = System.nanoTime();
    for (int spins = 0; !r.done; spins++) {
      if (!r.taken && !leading.get() && leading.compareAndSet(false, true)) {
        try {
          interrupted |= lead(r);
        } finally {
          Request next = carried;
          leading.set(false);
          wakeNext(next);
        }
        spins = 0;
        spinLimit = SYNC_CALLER_SPINS;
      } else if (spins < spinLimit || loneDurableWriter(r, spinStart)) {
        if ((spins + 1) % YIELD_EVERY == 0) {
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
      } else {
        r.waiter = Thread.currentThread();
        if (!r.done && (r.taken || leading.get())) {
          LockSupport.park(this);
        }
        interrupted |= Thread.interrupted();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (r.error != null) {
      throw r.error;
    }
  }

  /**
   * True while {@code r}, written, waits for its force and its caller is the only one waiting for a
   * force: the fsync thread then answers it alone, and spinning (for at most {@value
   * #LONE_SPIN_NANOS} ns, yielding often so that other writers get the processor) spares the
   * wake-up, a good part of a lone {@code SYNC} writer's latency.
   */
  private boolean loneDurableWriter(Request r, long spinStart) {
    return r.taken && syncer.loneDurableWriter() && System.nanoTime() - spinStart < LONE_SPIN_NANOS;
  }

  /** Wakes the writer of the oldest queued request, if it sleeps, to lead next. */
  private void wakeNext(Request carried) {
    Request next = carried != null ? carried : queue.peek();
    if (next != null) {
      Thread w = next.waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /**
   * Writes groups until {@code mine} is taken; on the caller's thread, holding the lead.
   *
   * @return whether an interrupt of this thread was cleared meanwhile, to be given back
   */
  private boolean lead(Request mine) {
    interruptSwallowed = Thread.interrupted();
    try {
      while (!mine.taken) {
        List<Request> group = takeGroup();
        if (group.isEmpty()) {
          break; // closing took it
        }
        process(group);
      }
    } finally {
      interruptSwallowed |= Thread.interrupted();
    }
    return interruptSwallowed;
  }

  /**
   * Takes the next group from the queue; a request found late here is refused ({@link #refuseLate})
   * and left out, nothing of it written.
   */
  private List<Request> takeGroup() {
    List<Request> group = new ArrayList<>();
    Request r = carried != null ? carried : queue.poll();
    carried = null;
    while (r != null && r.late()) {
      refuseLate(r, "waited to be taken into a commit group");
      r = queue.poll();
    }
    if (r == null) {
      return group;
    }
    group.add(r);
    if (r.kind == Kind.ROLL) {
      return group; // a roll goes alone
    }
    long bytes = r.framedBytes;
    while (bytes < MAX_GROUP_BYTES && (r = queue.poll()) != null) {
      if (r.late()) {
        refuseLate(r, "waited to be taken into a commit group");
        continue;
      }
      if (r.kind == Kind.ROLL || r.leadsAlone()) {
        // NB: a roll goes alone; a conditional write leads a group of its own, so that what its
        // leader reads sees every write queued before it applied.
        carried = r;
        break;
      }
      group.add(r);
      bytes += r.framedBytes;
    }
    return group;
  }

  /**
   * Completes {@code r}, not taken into a group, with {@link DeadlineExceededException}: nothing of
   * it was written.
   */
  private static void refuseLate(Request r, String while_) {
    r.taken = true;
    r.complete(lateException(r, while_));
  }

  private static DeadlineExceededException lateException(Request r, String while_) {
    return new DeadlineExceededException(
        r.operation
            + " not started: the deadline of request '"
            + r.context.requestId()
            + "' passed while it "
            + while_
            + " ("
            + r.context.deadline().orElseThrow()
            + "); nothing of it was written",
        r.context.requestId());
  }

  private void process(List<Request> group) {
    try {
      RequestContext cause = null;
      for (Request r : group) {
        if (r.context != null) {
          cause = r.context;
          break;
        }
      }
      Events.within(cause, () -> processGroup(group));
    } finally {
      for (Request r : group) {
        r.taken = true;
      }
    }
  }

  private void processGroup(List<Request> group) {
    EngineFailedException f = failStop.failure();
    if (f != null) {
      group.forEach(r -> r.complete(new EngineFailedException(f.getMessage(), f)));
      return;
    }
    Request first = group.getFirst();
    try {
      if (!closed && awaitRoom(group)) {
        for (Request r : group) {
          if (r.late()) {
            r.refused = true;
            r.refusal = lateException(r, "waited in a write stall");
          }
        }
      }
    } catch (BusyException e) {
      group.forEach(r -> r.complete(e));
      return;
    } catch (StorageException e) {
      EngineFailedException stopped = failStop.stop("the writer stopped after a failure", e);
      group.forEach(r -> r.complete(e instanceof EngineFailedException ? stopped : e));
      return;
    } catch (RuntimeException e) {
      EngineFailedException stopped = failStop.stop("the writer stopped unexpectedly", e);
      group.forEach(r -> r.complete(stopped));
      return;
    }
    try {
      if (!first.refused && !first.conditions.isEmpty() && !conditionsHold(first)) {
        first.refused = true;
      }
    } catch (RuntimeException e) {
      // NB: reading the state failed (damage, I/O): the write fails, nothing was written.
      first.refused = true;
      first.refusal = e;
    }
    boolean durable = false;
    long framed = 0;
    long memory = 0;
    for (Request r : group) {
      if (r.refused) {
        continue;
      }
      durable |= r.durable();
      framed += r.framedBytes;
      memory += r.memoryBytes;
    }
    try {
      if (first.kind == Kind.ROLL) {
        if (!state.current().mutable.isEmpty()) {
          roll("a flush was asked for");
        }
      } else if (memory > 0) {
        MemTable mem = state.current().mutable;
        if (!mem.isEmpty() && mem.approximateBytes() + memory > limits.memtableSize()) {
          roll("the memtable is full");
        }
      }
      if (framed > 0) {
        write(group, framed);
      }
      statistics.writeGroups.increment();
      if (!durable) {
        // NB: a background fsync may be failing right now; nothing is acknowledged after a failed
        // fsync, so wait for any in flight (durable groups wait on the fsync thread instead).
        guard.awaitQuiet();
        failStop.check();
      }
    } catch (BusyException e) {
      group.forEach(r -> r.complete(e));
      return;
    } catch (StorageException e) {
      EngineFailedException stopped = failStop.stop("the writer stopped after a failure", e);
      group.forEach(r -> r.complete(e instanceof EngineFailedException ? stopped : e));
      return;
    } catch (RuntimeException e) {
      EngineFailedException stopped = failStop.stop("the writer stopped unexpectedly", e);
      group.forEach(r -> r.complete(stopped));
      return;
    }
    List<Request> waiting = durable ? new ArrayList<>() : List.of();
    for (Request r : group) {
      if (r.refused) {
        r.complete(failedCondition(r));
      } else if (r.durable()) {
        waiting.add(r);
      } else {
        r.complete(null);
      }
    }
    if (durable) {
      syncer.ticket(waiting);
    } else if (wal.position() - backgroundForcedTo >= WAL_SYNC_BYTES) {
      // NB: the log is forced as it grows, on the fsync thread, with nobody waiting: a roll must
      // force the old log before the new one takes a record, and that force, on the write path,
      // then covers at most this much (a whole 64 MiB log held the writers for over 100 ms).
      backgroundForcedTo = wal.position();
      syncer.ticket(List.of());
    }
  }

  /** Frames, writes, inserts and publishes the group's writes. */
  private void write(List<Request> group, long framed) {
    if (buffer.capacity() < framed) {
      buffer = ByteBuffer.allocate(Math.toIntExact(framed));
    }
    buffer.clear();
    long base = wal.position();
    long seq = lastSequence;
    long syncedBefore = syncer.durableOffset();
    ByteBuffer head = ByteBuffer.allocate(WalRecord.BATCH_HEAD_SIZE);
    for (Request r : group) {
      if (r.kind != Kind.WRITE || r.refused) {
        continue;
      }
      head.clear();
      WalRecord.batchHead(head, syncedBefore, seq + 1, r.ops.size());
      head.flip();
      WalFormat.frame(buffer, base + buffer.position(), head, ByteBuffer.wrap(r.body));
      seq += r.ops.size();
    }
    buffer.flip();
    int bytes = buffer.remaining();
    try {
      interruptSwallowed |= wal.write(buffer);
    } finally {
      buffer = direct;
    }
    statistics.walBytes.add(bytes);
    MemTable mem = state.current().mutable;
    long s = lastSequence;
    long user = 0;
    for (Request r : group) {
      if (r.refused) {
        continue;
      }
      for (Mutation m : r.ops) {
        user += m.key().length + (m.value() == null ? 0 : m.value().length);
        mem.add(m.key(), ++s, m.kind(), m.value());
      }
    }
    statistics.userBytesWritten.add(user);
    lastSequence = seq;
    state.publishSequence(seq);
  }

  /**
   * Whether every condition of {@code r} holds in the latest state: every write before it is
   * applied and visible (it leads its group), and no other write runs meanwhile.
   */
  private boolean conditionsHold(Request r) {
    ReadState rs = state.acquire();
    try {
      long seq = state.visibleSequence();
      for (Condition c : r.conditions) {
        ReadState.Found f = rs.get(c.key(), seq);
        byte[] value = f == null || f.kind() == InternalKey.DELETE ? null : f.value();
        boolean holds =
            c.expected() == null
                ? value == null
                : value != null && Arrays.equals(value, c.expected());
        if (!holds) {
          r.refusal = c.failure().get();
          return false;
        }
      }
      return true;
    } finally {
      rs.release();
    }
  }

  private static RuntimeException failedCondition(Request r) {
    return r.refusal;
  }

  /** Makes the memtable immutable and starts a new one with a new log; reports a roll. */
  private void roll(String why) {
    long start = System.nanoTime();
    long from = wal.number();
    long bytes = wal.position();
    MemTable full = state.current().mutable;
    boolean done = false;
    try {
      WalFile next = syncer.roll(versions.newFileNumber());
      wal.close();
      wal = next;
      backgroundForcedTo = 0;
      becomingImmutable.accept(full);
      state.switchMemTable(new MemTable(next.number()));
      done = true;
    } finally {
      Events.report(
          listener,
          EngineEvent.Kind.ROLL,
          start,
          -1,
          "roll of write-ahead log "
              + from
              + " ("
              + bytes
              + " bytes, memtable of "
              + full.approximateBytes()
              + " bytes) to log "
              + (done ? wal.number() : "(failed)")
              + ": "
              + why);
    }
    onImmutable.run();
  }

  /**
   * Waits while the flush or compaction is too far behind; see the class comment on stalls. Gives
   * up early once every request of {@code group} is late (they are refused then). Reports the
   * stall.
   *
   * @return whether the group stalled
   */
  private boolean awaitRoom(List<Request> group) {
    if (!mustStall()) {
      return false;
    }
    statistics.stalls.increment();
    long start = System.nanoTime();
    int immutables = state.current().immutables.size();
    int level0 = state.current().version.level(0).size();
    String outcome = "went on";
    try {
      while (mustStall()) {
        failStop.check();
        if (closed) {
          outcome = "ended: the store closes";
          return true;
        }
        if (allLate(group)) {
          outcome = "ended: every write of the group is past its deadline (refused)";
          return true;
        }
        long waited = System.nanoTime() - start;
        if (waited >= limits.stallTimeoutNanos()) {
          outcome = "refused the group as busy after " + waited / 1_000_000 + " ms";
          throw new BusyException(
              "writes stalled for "
                  + waited / 1_000_000
                  + " ms: the flush and compaction threads are behind (memtables waiting: "
                  + state.current().immutables.size()
                  + ", level-0 tables: "
                  + state.current().version.level(0).size()
                  + "); nothing was written, try again later");
        }
        try {
          state.awaitChange(Math.min(STALL_SLICE_NANOS, limits.stallTimeoutNanos() - waited));
        } catch (InterruptedException e) {
          interruptSwallowed = true;
        }
      }
      return true;
    } catch (RuntimeException | Error e) {
      if (outcome.equals("went on")) {
        outcome = "failed: " + e;
      }
      throw e;
    } finally {
      statistics.stallMillis.add((System.nanoTime() - start) / 1_000_000);
      Events.report(
          listener,
          EngineEvent.Kind.STALL,
          start,
          -1,
          "a group of "
              + group.size()
              + " requests stalled (memtables waiting: "
              + immutables
              + " of at most "
              + limits.maxImmutables()
              + ", level-0 tables: "
              + level0
              + ", stop at "
              + limits.l0Stop()
              + "); "
              + outcome);
    }
  }

  private static boolean allLate(List<Request> group) {
    for (Request r : group) {
      if (!r.late()) {
        return false;
      }
    }
    return true;
  }

  private boolean mustStall() {
    ReadState rs = state.current();
    return rs.immutables.size() >= limits.maxImmutables()
        || rs.version.level(0).size() >= limits.l0Stop();
  }

  /** The last sequence the writer assigned; for the leader or after close. */
  long lastSequence() {
    return lastSequence;
  }

  /**
   * Makes everything written durable; from any thread, waits for it. Refused when late, as {@code
   * operation}.
   */
  void sync(String operation) {
    submit(new Request(Kind.SYNC, operation));
  }

  /** Makes the memtable immutable if it holds anything; from any thread, waits for it. */
  void rollNow() {
    submit(new Request(Kind.ROLL, null));
  }

  /**
   * Stops the writer after it wrote everything queued; unless it failed, forces the log and appends
   * a close record (forced too), which tells recovery where the log ended cleanly. Waits for the
   * fsync thread; idempotent.
   */
  synchronized void close() {
    if (finished) {
      return;
    }
    finished = true;
    closed = true;
    state.wakeAll();
    boolean interrupted = false;
    while (!leading.compareAndSet(false, true)) {
      LockSupport.parkNanos(this, 20_000);
      interrupted |= Thread.interrupted();
    }
    try {
      interruptSwallowed = Thread.interrupted();
      List<Request> group;
      while (!(group = takeGroup()).isEmpty()) {
        process(group);
      }
      finish();
      interrupted |= interruptSwallowed | Thread.interrupted();
    } finally {
      syncer.close();
      Request r;
      while ((r = queue.poll()) != null) {
        r.complete(new ClosedHandleException("the store closed before the write"));
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void finish() {
    try {
      if (!failStop.failed()) {
        syncer.forceNow();
        ByteBuffer b = ByteBuffer.allocate((int) WalFormat.framedSizeBound(WalRecord.CLOSE_SIZE));
        WalFormat.frame(b, wal.position(), WalRecord.close(syncer.durableOffset(), lastSequence));
        b.flip();
        interruptSwallowed |= wal.write(b);
        syncer.forceAndTrim();
      }
    } catch (StorageException e) {
      failStop.stop("closing the write-ahead log failed", e);
    } finally {
      wal.close();
    }
  }
}
