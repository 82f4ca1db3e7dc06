package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.RecordBuffers;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The engine's writer thread: appends every write to the active data file, with group commit.
 *
 * <p>Design (LevelDB's {@code BuildBatchGroup}, RocksDB's write thread, simplified to one owner):
 * callers queue a {@link Request} and wait; the writer takes everything queued, frames it into one
 * buffer, writes it with one {@code write}, and when any request of the group asked for {@code
 * SYNC} (or a flush) forces the file once for all of them. Only then does it apply the group to the
 * index and publish it, and wake the callers. So concurrent {@code SYNC} writers share one fsync, a
 * {@code BUFFERED} write returns once the OS has its bytes, and no caller's thread ever touches a
 * channel that an interrupt could close. A caller interrupted while waiting keeps waiting (its
 * write is already queued) and gets its interrupt back afterwards.
 *
 * <p>Hand-off costs a wake-up each way; both sides spin briefly before parking, so a busy caller
 * and the writer pass requests without sleeping.
 *
 * <p><b>Files.</b> The active file rolls when the next request would take it past the size limit:
 * the old file is forced before the new one is created (a later {@code SYNC} write in the new file
 * must not survive a crash that loses an earlier write in the old), the new file's header is synced
 * and its directory too. A batch never spans files.
 *
 * <p><b>Fail-stop.</b> A failed write or force leaves the file's end unknown and the dirty pages
 * possibly dropped: the writer fails that group and every later request with {@link
 * EngineFailedException}; reopening recovers from what is durable.
 */
final class LogWriter {

  /**
   * How long a caller spins before parking: a buffered write is done in microseconds, and parking
   * and waking costs more than that; a write that waits for an fsync (hundreds of microseconds)
   * parks almost at once, leaving the processor to the writer and the other callers.
   */
  private static final int CALLER_SPINS = 8192;

  private static final int SYNC_CALLER_SPINS = 64;

  /** Spins between yields of a spinning caller, so a spinning caller never starves the writer. */
  private static final int YIELD_EVERY = 256;

  private static final int WRITER_SPINS = 1024;
  private static final int MAX_GROUP_BYTES = 4 * 1024 * 1024;

  /** The longest a forcing group waits for the writers of the previous one; see awaitSiblings. */
  private static final long SIBLING_WAIT_NANOS = 100_000;

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
    final List<Op> ops;
    final boolean sync;
    final int bytes;
    private volatile boolean done;
    private volatile Thread waiter;
    private RuntimeException error;

    Request(Kind kind, List<Op> ops, boolean sync) {
      this.kind = kind;
      this.ops = ops;
      this.sync = sync;
      int b = 0;
      for (Op op : ops) {
        b += DataRecord.frameSize(op.key(), op.value());
      }
      this.bytes = b;
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

  private final Store store;
  private final long fileSizeLimit;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean parked;
  private volatile boolean stopping;
  private volatile boolean closed;
  private volatile EngineFailedException failure;
  private Request carried;

  /** Requests in the last group that forced the log; touched by the writer thread only. */
  private int syncSiblings;

  private final List<DataFile> sealedInGroup = new ArrayList<>();
  private FileChannel channel;
  private DataFile active;
  private long position;
  private long nextSeq;
  private ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private final Consumer<DataFile> onSealed;
  private final Consumer<DataFile> onFinish;
  private final FsyncGuard guard;

  /**
   * Starts the writer with a new, empty active file.
   *
   * @param lastSeq the largest sequence number in the store
   * @param onSealed told (on the writer thread) whenever a file is sealed, so its hint gets written
   * @param onFinish given the last active file, sealed, on the writer thread as it stops cleanly
   */
  LogWriter(
      Store store,
      long fileSizeLimit,
      long lastSeq,
      Consumer<DataFile> onSealed,
      Consumer<DataFile> onFinish,
      FsyncGuard guard,
      String name) {
    this.store = store;
    this.fileSizeLimit = fileSizeLimit;
    this.nextSeq = lastSeq + 1;
    this.onSealed = onSealed;
    this.onFinish = onFinish;
    this.guard = guard;
    store.setVisibleSeq(lastSeq);
    createActive();
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    thread.start();
  }

  /**
   * Queues {@code r} and waits until it is done.
   *
   * @throws EngineFailedException if the writer fail-stopped
   * @throws StorageIOException if this request's write failed
   * @throws ClosedHandleException if the store closed first
   */
  void submit(Request r) {
    EngineFailedException f = failure;
    if (f != null) {
      throw new EngineFailedException(f.getMessage(), f);
    }
    if (closed) {
      throw new ClosedHandleException("the store is closed");
    }
    queue.add(r);
    if (closed && queue.remove(r)) {
      throw new ClosedHandleException("the store is closed");
    }
    if (parked) {
      LockSupport.unpark(thread);
    }
    boolean interrupted = false;
    int spinLimit = r.sync ? SYNC_CALLER_SPINS : CALLER_SPINS;
    for (int spins = 0; !r.done; spins++) {
      if (spins < spinLimit) {
        if ((spins + 1) % YIELD_EVERY == 0) {
          Thread.yield();
        } else {
          Thread.onSpinWait();
        }
      } else {
        r.waiter = Thread.currentThread();
        if (!r.done) {
          LockSupport.park(r);
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

  boolean failed() {
    return failure != null;
  }

  private void run() {
    List<Request> group = new ArrayList<>();
    while (true) {
      Request r = carried != null ? carried : queue.poll();
      carried = null;
      if (r == null) {
        if (stopping) {
          break;
        }
        for (int i = 0; i < WRITER_SPINS && queue.isEmpty(); i++) {
          Thread.onSpinWait();
        }
        if (queue.isEmpty()) {
          parked = true;
          if (queue.isEmpty() && !stopping) {
            LockSupport.park(this);
          }
          parked = false;
        }
        continue;
      }
      group.clear();
      group.add(r);
      long bytes = r.bytes;
      while (bytes < MAX_GROUP_BYTES && (r = queue.poll()) != null) {
        if (r.kind == Kind.ROLL) {
          carried = r; // a roll goes alone, after what was queued before it
          break;
        }
        group.add(r);
        bytes += r.bytes;
      }
      boolean forces = forces(group);
      if (forces && carried == null && group.size() < syncSiblings) {
        bytes = awaitSiblings(group, bytes);
      }
      process(group);
      if (forces) {
        syncSiblings = group.size();
      }
    }
    finish();
  }

  private static boolean forces(List<Request> group) {
    for (Request q : group) {
      if (q.sync || q.kind == Kind.FLUSH) {
        return true;
      }
    }
    return false;
  }

  /**
   * Group commit's sibling wait (PostgreSQL's {@code commit_delay} with {@code commit_siblings}):
   * the last forced group had more writers than this one, so the others are most likely waking up
   * to write again; waiting a fraction of an fsync for them lets one fsync serve them all. A lone
   * {@code SYNC} writer (last group of one) never waits. Returns the group's bytes.
   */
  private long awaitSiblings(List<Request> group, long bytes) {
    long deadline = System.nanoTime() + SIBLING_WAIT_NANOS;
    while (group.size() < syncSiblings
        && bytes < MAX_GROUP_BYTES
        && !stopping
        && System.nanoTime() < deadline) {
      Request r = queue.poll();
      if (r == null) {
        Thread.yield(); // the siblings need the processor to get here
        continue;
      }
      if (r.kind == Kind.ROLL) {
        carried = r;
        break;
      }
      group.add(r);
      bytes += r.bytes;
    }
    return bytes;
  }

  private void process(List<Request> group) {
    try {
      processGroup(group);
    } finally {
      for (DataFile f : sealedInGroup) {
        f.seal();
        onSealed.accept(f);
      }
      sealedInGroup.clear();
    }
  }

  private void processGroup(List<Request> group) {
    EngineFailedException f = failure;
    if (f != null) {
      group.forEach(r -> r.complete(new EngineFailedException(f.getMessage(), f)));
      return;
    }
    List<Store.Written> written = new ArrayList<>();
    boolean sync = false;
    try {
      buffer.clear();
      for (Request r : group) {
        switch (r.kind) {
          case FLUSH -> sync = true;
          case ROLL -> {
            writeBuffer();
            roll();
          }
          case WRITE -> {
            sync |= r.sync;
            append(r, written);
          }
        }
      }
      writeBuffer();
      if (sync) {
        force(channel, active.path());
      }
      if (!written.isEmpty()) {
        store.apply(written, nextSeq - 1);
      }
      store.groups.increment();
      guard.awaitQuiet();
      if (failure != null) {
        // NB: an fsync failed elsewhere (background work) while this group was written: do not
        // acknowledge what follows a failure; the caller sees a write that may or may not stay.
        throw failure;
      }
    } catch (StorageException e) {
      if (failure == null) {
        failure =
            new EngineFailedException(
                store.directory + ": the writer stopped after a failure; reopen the store", e);
      }
      group.forEach(r -> r.complete(e));
      return;
    } catch (RuntimeException e) {
      failure =
          new EngineFailedException(store.directory + ": the writer stopped: " + e.getMessage(), e);
      group.forEach(r -> r.complete(failure));
      return;
    }
    group.forEach(r -> r.complete(null));
  }

  private void append(Request r, List<Store.Written> written) {
    if (r.ops.isEmpty()) {
      return;
    }
    long end = position + buffer.position();
    if (end + r.bytes > fileSizeLimit && end > RecordBuffers.frameSize(0) + 16) {
      writeBuffer();
      roll();
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
          new Store.Written(
              op.key(), new Entry(seq, active.id(), position + start, size, op.value() == null)));
      active.noteSeq(seq);
    }
  }

  private void writeBuffer() {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        int at = buffer.position();
        position += channel.write(buffer, position);
        if (buffer.position() == at) {
          throw new IOException("the write made no progress");
        }
      }
    } catch (IOException e) {
      throw new StorageIOException(active.path() + ": append at offset " + position + " failed", e);
    } finally {
      buffer.clear();
      active.setSize(position);
    }
  }

  private void force(FileChannel ch, Path file) {
    try {
      ch.force(false);
      store.syncs.increment();
    } catch (IOException e) {
      failure =
          new EngineFailedException(
              file + ": fsync failed; the store refuses writes until it is reopened", e);
      throw failure;
    }
  }

  /** Seals the active file (forced first) and starts a new one. */
  private void roll() {
    force(channel, active.path());
    closeChannel();
    // NB: the file is marked sealed (and so may be merged) only once the group that filled it is
    // in the index: a merge must never judge records stale because they are not applied yet.
    sealedInGroup.add(active);
    createActive();
  }

  private void createActive() {
    int id = store.nextFileId.getAndIncrement();
    Path path = store.directory.resolve(DataFile.name(id));
    try {
      channel =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      ByteBuffer header = RecordBuffers.fileHeader();
      long at = 0;
      while (header.hasRemaining()) {
        at += channel.write(header, at);
      }
      position = at;
    } catch (IOException e) {
      closeChannel();
      throw new StorageIOException(path + ": cannot create a data file", e);
    }
    force(channel, path);
    SyncedFiles.syncDirectory(store.directory);
    active = new DataFile(id, path, false, position, store::onLastRelease);
    store.activate(active);
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Everything written was forced or is refused by fail-stop; nothing is lost here.
      }
      channel = null;
    }
  }

  /**
   * Makes every write so far durable, for the background thread; waits for it.
   *
   * @throws EngineFailedException if the writer fail-stopped
   * @throws ClosedHandleException if the store is closing
   */
  void syncFromBackground() {
    submit(new Request(Kind.FLUSH, List.of(), true));
  }

  /** Fail-stops the writer for a failed fsync elsewhere in the store (background work). */
  void failFromBackground(EngineFailedException cause) {
    if (failure == null) {
      failure =
          new EngineFailedException(
              store.directory + ": an fsync failed; the store refuses writes until reopened",
              cause);
    }
  }

  /** Seals the active file and starts a new one, from any thread; waits for it. */
  void rollNow() {
    submit(new Request(Kind.ROLL, List.of(), false));
  }

  /**
   * Stops the writer after it wrote everything queued; seals the active file (forced) unless the
   * writer failed. Waits for the thread; idempotent.
   */
  void close() {
    closed = true;
    stopping = true;
    LockSupport.unpark(thread);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    Request r;
    while ((r = queue.poll()) != null) {
      r.complete(new ClosedHandleException("the store closed before the write"));
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void finish() {
    boolean clean = false;
    try {
      if (failure == null && channel != null) {
        force(channel, active.path());
        active.seal();
        clean = true;
      }
    } catch (StorageException e) {
      // The failure is recorded; recovery decides what survived.
    } finally {
      closeChannel();
    }
    if (clean) {
      onFinish.accept(active);
    }
  }
}
