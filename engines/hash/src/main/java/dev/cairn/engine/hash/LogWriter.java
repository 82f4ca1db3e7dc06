package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The write path: appends every write to the active data file, with group commit.
 *
 * <p>Design (LevelDB's {@code BuildBatchGroup} and RocksDB's write thread): callers queue a {@link
 * Request}; whichever caller finds no other writing becomes the <em>leader</em> and, on its own
 * thread, takes everything queued, frames it into one buffer, writes it with one {@code write},
 * applies it to the index and publishes it. A lone writer therefore never hands its write to
 * another thread and back; concurrent writers wait while the leader writes their requests with its
 * own. A {@code BUFFERED} write returns once the OS has its bytes. A group holding a {@code SYNC}
 * write (or a flush) is then handed to the {@link Syncer}, the engine's fsync thread, which forces
 * the file once for every group handed to it meanwhile (pipelined group commit) and only then wakes
 * those writers. When the leader is done it wakes the writer of the oldest queued request, which
 * leads next.
 *
 * <p><b>Preconditions</b> ({@code CONDITIONAL_WRITES}). The leader checks a conditional request's
 * preconditions just before appending it, against the index (every earlier group) and the writes of
 * its own group so far ({@link GroupConditions}); since appends and index updates are ordered by
 * the lead alone, no write can come between the check and the append. A request whose check fails
 * is not appended and fails with {@link dev.cairn.spi.ConflictException} at once (it wrote nothing,
 * so it waits for no force); the rest of its group goes on.
 *
 * <p><b>Interrupts.</b> Java closes a channel whose user is interrupted. The leader clears its
 * interrupt before it writes and gives it back afterwards; an interrupt that arrives during the
 * {@code write} closes the writing channel, and the leader reopens it and writes the same bytes at
 * the same offset again (a positional write of the same bytes is idempotent). No caller's thread
 * ever forces a file: the {@link Syncer} does, on a channel of its own, so an interrupt can never
 * hide the result of an fsync.
 *
 * <p><b>Files.</b> The active file rolls when the next request would take it past the size limit:
 * the old file is forced before the new one is created (a later {@code SYNC} write in the new file
 * must not survive a crash that loses an earlier write in the old), the new file's header is synced
 * and its directory too, all on the fsync thread ({@link Syncer#roll}). A batch never spans files.
 * (No force runs between rolls unless a write asks for one: a background force would have to hold
 * every acknowledgement back while it runs, as background fsyncs do, since nothing may be
 * acknowledged after a failed fsync; it would move the wait of the roll's force, not shorten it.)
 *
 * <p><b>Fail-stop.</b> A failed write or force leaves the file's end unknown and the dirty pages
 * possibly dropped: the group fails, and {@link FailStop} (shared with the fsync thread and the
 * background thread) makes every later request fail with {@link EngineFailedException}; reopening
 * recovers from what is durable.
 *
 * <p><b>Requests and deadlines.</b> A request captures the caller's {@link RequestContext} when it
 * is made. A caller's write or flush whose deadline has passed is refused before it is queued; one
 * whose deadline passes while it waits in the queue is refused by the leader that finds it there as
 * it forms a group ({@link DeadlineExceededException}, nothing of it written, the rest of the group
 * goes on). A request taken into a group is written whole whatever its deadline, and a {@code SYNC}
 * one waits for its force: a deadline never leaves part of a batch. The work a request causes
 * elsewhere runs with its context bound: a roll its append set off (on the fsync thread), the force
 * of its group (named by the group's first request that carries a context), and the hint and merge
 * of the file it sealed (on the background thread).
 */
final class LogWriter {

  /**
   * How long a waiting caller spins before parking: a buffered group is written in microseconds,
   * and parking and waking costs more than that; a write that waits for an fsync (hundreds of
   * microseconds) parks almost at once.
   */
  private static final int CALLER_SPINS = 4096;

  private static final int SYNC_CALLER_SPINS = 64;

  /** The longest a lone {@code SYNC} writer spins for its force; see loneDurableWriter. */
  private static final long LONE_SPIN_NANOS = 2_000_000;

  /** Spins between yields of a spinning caller, so that it never starves the leader. */
  private static final int YIELD_EVERY = 256;

  private static final int MAX_GROUP_BYTES = 4 * 1024 * 1024;

  /** How often a write interrupted again and again is retried before the group fails. */
  private static final int WRITE_ATTEMPTS = 16;

  /** What a request asks for. */
  enum Kind {
    WRITE,
    FLUSH,
    ROLL
  }

  /**
   * One operation of a write request.
   *
   * @param key the key
   * @param value the value, or null to delete
   */
  record Op(byte[] key, byte[] value) {}

  /** A queued request; the caller waits for it with {@link LogWriter#submit}. */
  static final class Request {
    final Kind kind;

    /** The request of the caller who made this one, if any: captured where it was made. */
    final RequestContext context;

    /** Whether a passed deadline of {@link #context} refuses this request while it is queued. */
    final boolean mayExpire;

    final List<Op> ops;
    final List<WriteBatch.Precondition> preconditions;
    final boolean sync;
    final int bytes;
    private volatile boolean done;
    private volatile Thread waiter;
    private RuntimeException error;

    /** Why the leader did not append this request (a failed precondition); leader only. */
    private RuntimeException refused;

    /** Set by the leader that wrote the request. */
    private volatile boolean taken;

    Request(Kind kind, List<Op> ops, boolean sync) {
      this(kind, ops, List.of(), sync);
    }

    /**
     * A request whose {@code preconditions} (on the one keyspace) the leader checks, atomically
     * with appending it: if one fails, nothing of it is appended and it fails.
     */
    Request(Kind kind, List<Op> ops, List<WriteBatch.Precondition> preconditions, boolean sync) {
      this(kind, ops, preconditions, sync, kind != Kind.ROLL);
    }

    private Request(
        Kind kind,
        List<Op> ops,
        List<WriteBatch.Precondition> preconditions,
        boolean sync,
        boolean mayExpire) {
      this.context = RequestContext.currentOrNull();
      this.mayExpire = mayExpire && context != null && context.deadline().isPresent();
      this.kind = kind;
      this.ops = ops;
      this.preconditions = preconditions;
      this.sync = sync;
      int b = 0;
      for (Op op : ops) {
        b += DataRecord.frameSize(op.key(), op.value());
      }
      this.bytes = b;
    }

    /**
     * A request of the engine's own (a flush for merge, a roll for a checkpoint): never refused.
     */
    static Request internal(Kind kind, boolean sync) {
      return new Request(kind, List.of(), List.of(), sync, false);
    }

    /**
     * If this request's deadline has passed, completes it with {@link DeadlineExceededException}
     * (nothing of it written) and returns true.
     */
    boolean refuseIfExpired() {
      if (!mayExpire) {
        return false;
      }
      try {
        context.checkDeadline(kind == Kind.FLUSH ? "flush" : "write");
        return false;
      } catch (DeadlineExceededException e) {
        taken = true;
        complete(e);
        return true;
      }
    }

    boolean durable() {
      return sync || kind == Kind.FLUSH;
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

  private final IndexState state;
  private final long fileSizeLimit;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean leading = new AtomicBoolean();

  /** Callers now in {@link #submit} with a request that waits for a force. */
  private final AtomicInteger durableWriters = new AtomicInteger();

  private final Syncer syncer;
  private final BiConsumer<DataFile, RequestContext> onSealed;
  private final Consumer<DataFile> onFinish;
  private final FsyncGuard guard;
  private final FailStop failStop;
  private volatile boolean closed;
  private boolean finished; // guarded by this

  // ---- the leader's state: touched only by the thread holding `leading` ------------------------

  private Request carried;
  private final List<DataFile> sealedInGroup = new ArrayList<>();

  /** The requests whose appends sealed each file of {@link #sealedInGroup} (null: none known). */
  private final List<RequestContext> sealedBy = new ArrayList<>();

  private final GroupConditions conditions;
  private FileChannel channel;
  private DataFile active;
  private long position;
  private long nextSeq;
  private boolean interruptSwallowed;

  /**
   * Where groups are framed: direct, so a write needs no copy into a temporary direct buffer; a
   * request larger than it gets a heap buffer of its own for its group.
   */
  private final ByteBuffer direct = ByteBuffer.allocateDirect(256 * 1024);

  private ByteBuffer buffer = direct;

  /**
   * Starts the writer with a new, empty active file.
   *
   * @param lastSeq the largest sequence number in the store
   * @param onSealed told whenever a file is sealed (forced, and its records in the index), so its
   *     hint gets written, with the request whose append sealed it (null when none is known)
   * @param onFinish given the last active file, sealed, as the writer stops cleanly
   */
  LogWriter(
      IndexState state,
      long fileSizeLimit,
      long lastSeq,
      BiConsumer<DataFile, RequestContext> onSealed,
      Consumer<DataFile> onFinish,
      FsyncGuard guard,
      FailStop failStop,
      String name) {
    this.state = state;
    this.fileSizeLimit = fileSizeLimit;
    this.nextSeq = lastSeq + 1;
    this.onSealed = onSealed;
    this.onFinish = onFinish;
    this.guard = guard;
    this.failStop = failStop;
    this.conditions = new GroupConditions(state);
    state.setVisibleSeq(lastSeq);
    this.syncer = new Syncer(state, guard, failStop, durableWriters::get, name + "-sync");
    try {
      leading.set(true);
      try {
        begin(syncer.start());
      } finally {
        leading.set(false);
      }
    } catch (RuntimeException e) {
      syncer.close();
      throw e;
    }
  }

  /**
   * Queues {@code r} and waits until it is done: written (and forced, if it asks for that).
   *
   * @throws EngineFailedException if the writer fail-stopped
   * @throws StorageIOException if this request's write failed
   * @throws ClosedHandleException if the store closed first
   * @throws DeadlineExceededException if the request's deadline passed before it was taken into a
   *     group: nothing of it was written
   */
  void submit(Request r) {
    if (r.mayExpire) {
      r.context.checkDeadline(r.kind == Kind.FLUSH ? "flush" : "write");
    }
    if (!r.durable()) {
      submitNow(r);
      return;
    }
    durableWriters.incrementAndGet();
    try {
      submitNow(r);
    } finally {
      durableWriters.decrementAndGet();
    }
  }

  private void submitNow(Request r) {
    failStop.check();
    if (closed) {
      throw new ClosedHandleException("the store is closed");
    }
    if (queue.isEmpty() && !leading.get() && leading.compareAndSet(false, true)) {
      // Nobody writes: lead a group of this request alone, without queueing it.
      boolean alone = carried == null && !closed;
      boolean interrupted = false;
      try {
        if (alone) {
          interrupted = leadAlone(r);
        }
      } finally {
        Request next = carried;
        leading.set(false);
        wakeNext(next);
      }
      if (alone) {
        awaitDone(r, interrupted);
        return;
      }
    }
    queue.add(r);
    if (closed && queue.remove(r)) {
      throw new ClosedHandleException("the store is closed");
    }
    awaitDone(r, false);
  }

  /** Waits until {@code r}, queued or written, is done, leading whenever nobody does. */
  private void awaitDone(Request r, boolean interruptedBefore) {
    boolean interrupted = interruptedBefore;
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
    return r.taken && durableWriters.get() == 1 && System.nanoTime() - spinStart < LONE_SPIN_NANOS;
  }

  /**
   * Wakes the writer of the oldest queued request ({@code carried}, else the queue's head), if it
   * sleeps, to lead next. Called just after giving up the lead.
   */
  private void wakeNext(Request carried) {
    Request next = carried != null ? carried : queue.peek();
    if (next != null) {
      Thread w = next.waiter;
      if (w != null) {
        LockSupport.unpark(w);
      }
    }
  }

  /** Writes {@code mine} as a group of its own; on the caller's thread, holding the lead. */
  private boolean leadAlone(Request mine) {
    interruptSwallowed = Thread.interrupted();
    try {
      process(List.of(mine));
    } finally {
      interruptSwallowed |= Thread.interrupted();
    }
    return interruptSwallowed;
  }

  /**
   * Writes groups until {@code mine} is written; on the caller's thread, holding the lead.
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
   * The oldest queued request, refusing on the way those whose deadline passed while they waited.
   */
  private Request pollLive() {
    Request r;
    while ((r = queue.poll()) != null && r.refuseIfExpired()) {
      // refused: nothing of it is written; its caller wakes to the exception
    }
    return r;
  }

  private List<Request> takeGroup() {
    List<Request> group = new ArrayList<>();
    Request r = carried != null ? carried : pollLive();
    carried = null;
    if (r == null) {
      return group;
    }
    group.add(r);
    if (r.kind == Kind.ROLL) {
      return group; // a roll goes alone
    }
    long bytes = r.bytes;
    while (bytes < MAX_GROUP_BYTES && (r = pollLive()) != null) {
      if (r.kind == Kind.ROLL) {
        carried = r; // a roll goes alone, after what was queued before it
        break;
      }
      group.add(r);
      bytes += r.bytes;
    }
    return group;
  }

  private void process(List<Request> group) {
    try {
      processGroup(group);
    } finally {
      for (Request r : group) {
        r.taken = true;
      }
      for (int i = 0; i < sealedInGroup.size(); i++) {
        DataFile f = sealedInGroup.get(i);
        f.seal();
        onSealed.accept(f, sealedBy.get(i));
      }
      sealedInGroup.clear();
      sealedBy.clear();
    }
  }

  private void processGroup(List<Request> group) {
    EngineFailedException f = failStop.failure();
    if (f != null) {
      group.forEach(r -> r.complete(new EngineFailedException(f.getMessage(), f)));
      return;
    }
    List<IndexState.Written> written = new ArrayList<>();
    boolean durable = false;
    try {
      buffer.clear();
      conditions.clear();
      for (Request r : group) {
        switch (r.kind) {
          case FLUSH -> {}
          case ROLL -> {
            writeBuffer();
            roll(r.context, "asked for");
          }
          case WRITE -> {
            if (!r.preconditions.isEmpty() && (r.refused = conditions.check(r)) != null) {
              continue; // refused: nothing of it is appended, and it waits for no force
            }
            append(r, written);
            conditions.appended(r);
          }
        }
        durable |= r.durable();
      }
      writeBuffer();
      if (!written.isEmpty()) {
        state.apply(written, nextSeq - 1);
      }
      state.groups.increment();
      if (!durable) {
        // NB: a background fsync may be failing right now; nothing is acknowledged after a failed
        // fsync, so wait for any in flight (durable groups wait on the fsync thread instead).
        guard.awaitQuiet();
        failStop.check();
      }
    } catch (StorageException e) {
      // NB: a request refused by its preconditions learns of the failure too, not of its conflict:
      // after a failed fsync every write fails with the failure (the store stopped before it was
      // answered), and it changed nothing either way.
      failStop.stop("the writer stopped after a failure", e);
      group.forEach(r -> r.complete(e));
      return;
    } catch (RuntimeException e) {
      EngineFailedException stopped = failStop.stop("the writer stopped: " + e.getMessage(), e);
      group.forEach(r -> r.complete(stopped));
      return;
    }
    List<Request> waiting = durable ? new ArrayList<>() : List.of();
    for (Request r : group) {
      if (r.refused != null) {
        r.complete(r.refused);
      } else if (r.durable()) {
        waiting.add(r);
      } else {
        r.complete(null);
      }
    }
    if (durable) {
      syncer.ticket(waiting);
    }
  }

  private void append(Request r, List<IndexState.Written> written) {
    if (r.ops.isEmpty()) {
      return;
    }
    long end = position + buffer.position();
    if (end + r.bytes > fileSizeLimit
        && end > RecordBuffers.frameSize(0) + RecordFormat.FILE_HEADER_SIZE) {
      writeBuffer();
      roll(r.context, "full");
    }
    if (buffer.remaining() < r.bytes) {
      writeBuffer();
      if (buffer.capacity() < r.bytes) {
        buffer = ByteBuffer.allocate(r.bytes);
      }
    }
    int n = r.ops.size();
    for (int i = 0; i < n; i++) {
      Op op = r.ops.get(i);
      long seq = nextSeq++;
      int start = buffer.position();
      int type = DataRecord.typeOf(op.value() == null, i < n - 1);
      DataRecord.encode(buffer, type, seq, op.key(), op.value());
      int size = buffer.position() - start;
      written.add(
          new IndexState.Written(
              op.key(), new Entry(seq, active.id(), position + start, size, op.value() == null)));
      active.noteSeq(seq);
    }
  }

  /** Writes the buffer at the end of the active file; see the class comment on interrupts. */
  private void writeBuffer() {
    buffer.flip();
    long at = position;
    try {
      for (int attempt = 1; ; attempt++) {
        interruptSwallowed |= Thread.interrupted();
        try {
          while (buffer.hasRemaining()) {
            int from = buffer.position();
            channel.write(buffer, at + from);
            if (buffer.position() == from) {
              throw new IOException("the write made no progress");
            }
          }
          break;
        } catch (ClosedByInterruptException e) {
          if (attempt >= WRITE_ATTEMPTS) {
            throw new StorageIOException(
                active.path() + ": append at offset " + at + " interrupted again and again", e);
          }
          buffer.position(0);
          channel = openForAppend(active.path());
        } catch (IOException e) {
          throw new StorageIOException(active.path() + ": append at offset " + at + " failed", e);
        }
      }
      position = at + buffer.limit();
    } finally {
      buffer = direct;
      buffer.clear();
      active.setSize(position);
    }
  }

  private static FileChannel openForAppend(Path path) {
    try {
      return FileChannel.open(path, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot reopen the active file for writing", e);
    }
  }

  /**
   * Seals the active file (forced first, on the fsync thread) and starts a new one, for the request
   * {@code cause}, whose append (or ask) set it off: the roll's work and its event name it.
   */
  private void roll(RequestContext cause, String why) {
    DataFile sealed = active;
    long start = System.nanoTime();
    Syncer.NewFile next = null;
    try {
      next = syncer.roll(cause);
    } finally {
      DataFile started = next == null ? null : next.file();
      Events.within(
          cause,
          () ->
              Events.report(
                  state.events,
                  EngineEvent.Kind.ROLL,
                  start,
                  sealed.size(),
                  "sealed "
                      + sealed.path().getFileName()
                      + " ("
                      + why
                      + ", "
                      + sealed.size()
                      + " bytes)"
                      + (started == null
                          ? "; the roll failed"
                          : ", started " + started.path().getFileName())));
    }
    Syncer.closeQuietly(channel);
    begin(next);
    // NB: the file is marked sealed (and so may be merged) only once the group that filled it is
    // in the index: a merge must never judge records stale because they are not applied yet.
    sealedInGroup.add(sealed);
    sealedBy.add(cause);
  }

  /** Makes {@code next}, created by the fsync thread, the file the leader appends to. */
  private void begin(Syncer.NewFile next) {
    // NB: the leader waited for the fsync thread's call, so it sees the file's state.
    active = next.file();
    channel = next.append();
    position = next.position();
  }

  /**
   * Makes every write so far durable, for the background thread; waits for it.
   *
   * @throws EngineFailedException if the writer fail-stopped
   * @throws ClosedHandleException if the store is closing
   */
  void syncFromBackground() {
    submit(Request.internal(Kind.FLUSH, true));
  }

  /** Seals the active file and starts a new one, from any thread; waits for it. */
  void rollNow() {
    submit(Request.internal(Kind.ROLL, false));
  }

  /**
   * Stops the writer after it wrote everything queued; seals the active file (forced) unless the
   * writer failed. Waits for the fsync thread; idempotent.
   */
  synchronized void close() {
    if (finished) {
      return;
    }
    finished = true;
    closed = true;
    boolean interrupted = false;
    // The lead is kept for good: no caller writes after this.
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
    boolean clean = false;
    try {
      if (!failStop.failed() && channel != null) {
        syncer.forceNow();
        active.seal();
        clean = true;
      }
    } catch (StorageException e) {
      // The failure is recorded; recovery decides what survived.
    } finally {
      Syncer.closeQuietly(channel);
      channel = null;
    }
    if (clean) {
      onFinish.accept(active);
    }
  }
}
