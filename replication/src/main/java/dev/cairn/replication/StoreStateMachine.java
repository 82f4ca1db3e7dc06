package dev.cairn.replication;

import dev.cairn.replication.AppliedIndex.Position;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;

/**
 * A Cairn store as the state machine of a Raft group: applies committed log entries to the store,
 * answers reads from it, and snapshots it with the engine's checkpoint.
 *
 * <p>Design. Every entry is applied in one atomic batch together with the {@linkplain AppliedIndex
 * applied index}, so the store and the index it records never disagree. Ratis replays a restarted
 * node's log from its latest snapshot, not from what the store already holds; this state machine
 * skips every entry at or below the store's recorded index and applies the rest, so each entry
 * reaches the store exactly once. A conditional batch whose precondition fails changes nothing but
 * the applied index, and fails alike on every node, because every node checks it against the same
 * state (the log's prefix). Entries are applied on Ratis's one apply thread, synchronously: nothing
 * else writes the store, and {@link #takeSnapshot} (on that thread too) checkpoints a store whose
 * applied index is exactly the snapshot's. Applying uses {@link Durability#BUFFERED}: the Raft log
 * is the durable record, and a store that lost buffered writes to a power cut applies them again
 * from the log, or is rebuilt from the snapshot when the log was purged past it (a store whose
 * index is below the latest snapshot's is replaced by the snapshot on start).
 *
 * <p>Each applied entry also records its call (client id, call id) and the reply sent for it in the
 * {@linkplain Sessions session table}, in the same batch: an entry whose call was applied before (a
 * retry that a leader restarted from a snapshot appended again, its retry cache lacking the call)
 * is not applied and is answered with the first reply.
 *
 * <p>A write the engine refuses for any other reason (an I/O error, a fail-stopped engine) cannot
 * be skipped without this node diverging from the others: the exception goes to Ratis, which stops
 * the server (fail-stop). The node is restarted by its operator, and replays from the store's
 * index.
 *
 * <p>Reads ({@link #query}) run on Ratis's threads while entries apply; they take the read side of
 * a lock whose write side replaces the store when a snapshot is installed.
 */
final class StoreStateMachine extends BaseStateMachine {

  /**
   * Calls around a snapshot install from the leader, which tests use to order an install against
   * the loading of the previous one; production nodes use {@link #NONE}.
   */
  interface InstallHooks {
    InstallHooks NONE = new InstallHooks() {};

    /**
     * On Ratis's install thread, once the last chunk of a snapshot sent by the leader is written
     * and before the install may end ({@link #pause}).
     */
    default void beforeInstallEnds(StoreStateMachine machine) {}

    /** On the apply thread, after the store was replaced by the installed snapshot {@code at}. */
    default void afterRestore(StoreStateMachine machine, TermIndex at) {}
  }

  private static final System.Logger LOG = System.getLogger(StoreStateMachine.class.getName());

  private final LocalStore local;
  private final InstallHooks hooks;
  private final SnapshotDirectory snapshots = new SnapshotDirectory();
  private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong installed = new AtomicLong();

  private final AtomicLong deferred = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final Sessions sessions;

  private volatile StorageEngine store;

  /**
   * The last entry the store holds: written on the apply thread, read on the install thread too.
   */
  private volatile Position storeApplied = Position.NONE;

  /**
   * The store's reload from an installed snapshot, from the start of {@link #reinitialize} until
   * Ratis's apply thread is seen applying (or snapshotting) again; null when none. Written on the
   * apply thread only.
   */
  private volatile Reload reload;

  /**
   * A reload on {@code applyThread}; {@code endedNanos} is set once {@link #reinitialize} ended.
   */
  private record Reload(Thread applyThread, boolean ended, long endedNanos) {}

  /**
   * How long after {@link #reinitialize} returned an install waits at most for the apply thread to
   * be seen running: a node that takes no snapshots of its own may apply nothing until the install
   * it holds has ended (Ratis sets the apply thread running a few instructions after it).
   */
  private static final long RESUME_GRACE_NANOS = 1_000_000_000L;

  StoreStateMachine(LocalStore local, InstallHooks hooks) {
    this(local, hooks, Sessions.RETAINED);
  }

  /** A state machine whose session table keeps the last {@code retainedCalls} calls. */
  StoreStateMachine(LocalStore local, InstallHooks hooks, long retainedCalls) {
    this.local = local;
    this.hooks = hooks;
    this.sessions = new Sessions(retainedCalls);
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return snapshots;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    snapshots.init(raftStorage);
    getLifeCycle().startAndTransition(this::load, IOException.class);
  }

  /** Opens the store, and replaces it with the latest snapshot if the snapshot is newer. */
  void load() throws IOException {
    store = local.open();
    storeApplied = AppliedIndex.decode(store.get(AppliedIndex.KEY));
    sessions.load(store);
    SnapshotInfo latest = snapshots.getLatestSnapshot();
    if (latest != null) {
      if (latest.getIndex() > storeApplied.index()) {
        restore(latest);
      }
      // NB: Ratis applies from the snapshot's index on: lastApplied starts there
      setLastAppliedTermIndex(latest.getTermIndex());
    }
  }

  private void restore(SnapshotInfo snapshot) throws IOException {
    Path dir = snapshots.pathOf(snapshot.getTermIndex());
    swap.writeLock().lock();
    try {
      store = local.replace(store, dir);
      storeApplied = AppliedIndex.decode(store.get(AppliedIndex.KEY));
      sessions.load(store);
      installed.incrementAndGet();
    } finally {
      swap.writeLock().unlock();
    }
    if (storeApplied.index() != snapshot.getIndex()) {
      throw new IOException(
          "snapshot "
              + dir
              + " records applied index "
              + storeApplied.index()
              + ", not its own "
              + snapshot.getIndex());
    }
  }

  /**
   * Called by Ratis on the last chunk of a snapshot sent by the leader, once the chunk is written
   * and before the snapshot replaces the state-machine directory: waits, for at most {@link
   * #INSTALL_WAIT}, while a snapshot installed before is not loaded into the store yet, or the
   * apply thread has not been seen running since; refuses the install if that takes longer (the
   * leader sends the snapshot again after a pause).
   *
   * <p>Why. Ratis (3.1.3 to 3.3.0) tells its apply thread to reload the state machine when an
   * install ends, and the apply thread, once it has reloaded, sets itself running again: an install
   * that ends while the previous one loads is forgotten. The apply thread then counts the first
   * snapshot's index as applied, the log starts after the second one's, and it waits for the
   * entries between forever (nor can the server be closed, which waits for them). This happens to a
   * follower that needs two snapshots in a row, because the leader took a newer one and purged its
   * log past the first while sending it; {@link #reinitialize} loads the newest snapshot present,
   * and this wait keeps a further one from ending before the apply thread runs again.
   *
   * <p>NB: wait, not refuse at once. Ratis calls this only after the whole snapshot was sent and
   * written, so a refusal costs a whole transfer, and the leader sends it again within milliseconds
   * (the first retries of {@link ReplicationNode}'s policy): refusing for as long as the previous
   * snapshot loads sent the snapshot over and over, and Ratis's leader keeps every chunk it sent
   * for its stream timeout (24 s by default: the task that times a chunk out holds it), which ran a
   * 1 GB heap out in NemesisTest (docs/replication.md). Ratis holds the server's lock here, as it
   * does while it writes every chunk; the apply thread does not need it to finish a reload.
   */
  @Override
  public void pause() {
    hooks.beforeInstallEnds(this);
    String reason = installMustWait();
    if (reason != null) {
      deferred.incrementAndGet();
      reason = awaitInstallMayEnd(reason);
      if (reason != null) {
        refused.incrementAndGet();
        throw new IllegalStateException(
            "snapshot install deferred: " + reason + " after " + INSTALL_WAIT);
      }
    }
    LifeCycle lc = getLifeCycle();
    if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
      lc.transition(LifeCycle.State.PAUSING);
      lc.transition(LifeCycle.State.PAUSED);
    }
  }

  /**
   * How long the last chunk of an install waits for the previous snapshot to be loaded: above the
   * loading of a snapshot into a store of another engine on a busy machine, and below Ratis's
   * timeout for the chunk's reply (3 s per outstanding chunk, 8 of them, by default).
   */
  static final Duration INSTALL_WAIT = Duration.ofSeconds(10);

  /** Polls {@link #installMustWait} until it clears or {@link #INSTALL_WAIT} passed: why not. */
  private String awaitInstallMayEnd(String reason) {
    long deadline = System.nanoTime() + INSTALL_WAIT.toNanos();
    String why = reason;
    while (why != null && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return why + " (interrupted)";
      }
      why = installMustWait();
    }
    return why;
  }

  /** Why a snapshot install from the leader must wait now; null when it may go on. */
  private String installMustWait() {
    Reload r = reload;
    if (r != null && (!r.ended() || System.nanoTime() - r.endedNanos() < RESUME_GRACE_NANOS)) {
      return "the store is loading the previous snapshot";
    }
    long newest;
    try {
      newest = snapshots.newestIndexOnDisk();
    } catch (IOException e) {
      throw new UncheckedIOException("listing the snapshots of " + snapshots.directory(), e);
    }
    if (newest > storeApplied.index()) {
      return "snapshot " + newest + " is installed and not loaded yet";
    }
    return null;
  }

  /** On any thread: ends the current reload if this is the apply thread running after it. */
  private void applyThreadRuns() {
    Reload r = reload;
    if (r != null && r.ended() && r.applyThread() == Thread.currentThread()) {
      reload = null;
    }
  }

  /**
   * After Ratis installed a snapshot from the leader into the state-machine directory: loads the
   * newest snapshot there into the store, again while a newer one came meanwhile; Ratis takes
   * {@link #getLatestSnapshot()}'s index as applied once this returns.
   */
  @Override
  public void reinitialize() throws IOException {
    reload = new Reload(Thread.currentThread(), false, 0);
    try {
      for (SnapshotInfo latest = snapshots.refresh();
          latest != null && latest.getIndex() > storeApplied.index();
          latest = snapshots.refresh()) {
        restore(latest);
        hooks.afterRestore(this, latest.getTermIndex());
        setLastAppliedTermIndex(latest.getTermIndex());
      }
    } finally {
      reload = new Reload(Thread.currentThread(), true, System.nanoTime());
    }
    getLifeCycle().transition(LifeCycle.State.STARTING);
    getLifeCycle().transition(LifeCycle.State.RUNNING);
  }

  /** Refuses, on the leader and before it enters the log, anything that is not a valid entry. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    try {
      Entry.checkReplicable(Entry.decode(request.getMessage().getContent().asReadOnlyByteBuffer()));
    } catch (InvalidArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    return super.startTransaction(request);
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    applyThreadRuns();
    LogEntryProto entry = trx.getLogEntry();
    StateMachineLogEntryProto data = entry.getStateMachineLogEntry();
    return reply(
        apply(
            entry.getTerm(),
            entry.getIndex(),
            new Sessions.Call(data.getClientId().toByteArray(), data.getCallId()),
            data.getLogData().asReadOnlyByteBuffer()));
  }

  /**
   * Applies the entry at {@code index} made by {@code call}, unless the store holds it already or
   * the session table holds {@code call} (a retry appended again): returns the reply to the call,
   * its first outcome when it was applied before.
   */
  byte[] apply(long term, long index, Sessions.Call call, ByteBuffer logData) {
    if (index <= storeApplied.index()) {
      skipped.incrementAndGet();
      updateLastAppliedTermIndex(term, index);
      byte[] recorded = Sessions.recordedReply(store, call);
      return recorded != null ? recorded : Messages.writeReply(Messages.STATUS_REPLAYED, null);
    }
    Position position = new Position(term, index);
    byte[] marker = AppliedIndex.encode(position);
    byte[] outcome = Sessions.recordedReply(store, call);
    if (outcome != null) {
      // A retry of a call applied before: applied once, answered as the first time.
      store.put(AppliedIndex.KEY, marker, Durability.BUFFERED);
      duplicates.incrementAndGet();
      LOG.log(
          System.Logger.Level.INFO,
          "entry {0} not applied: its call {1} was applied before (a retry appended again);"
              + " answered with its first reply",
          index,
          call);
    } else {
      WriteBatch batch = Entry.decode(logData);
      boolean recordable = Sessions.recordable(call);
      outcome = Messages.writeReply(Messages.STATUS_APPLIED, null);
      batch.put(AppliedIndex.KEY, marker);
      if (recordable) {
        sessions.record(store, call, outcome, batch);
      }
      try {
        store.write(batch, Durability.BUFFERED);
      } catch (ConflictException e) {
        outcome = Messages.writeReply(Messages.STATUS_CONFLICT, e.key());
        WriteBatch failed = new WriteBatch();
        if (recordable) {
          sessions.record(store, call, outcome, failed);
        }
        store.write(failed.put(AppliedIndex.KEY, marker), Durability.BUFFERED);
      }
      if (recordable) {
        sessions.advance();
      }
      applied.incrementAndGet();
    }
    storeApplied = position;
    updateLastAppliedTermIndex(term, index);
    return outcome;
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    applyThreadRuns();
    // NB: configuration entries replayed below the snapshot's index must not move lastApplied back
    if (index > getLastAppliedTermIndex().getIndex()) {
      updateLastAppliedTermIndex(term, index);
    }
  }

  /**
   * NB: Ratis's apply thread calls this after every round of applying while it runs (to decide on a
   * snapshot), which ends a reload; other threads call it too.
   */
  @Override
  public TermIndex getLastAppliedTermIndex() {
    if (reload != null) {
      applyThreadRuns();
    }
    return super.getLastAppliedTermIndex();
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    Messages.Request decoded;
    try {
      decoded = Messages.decodeRequest(request.getContent().asReadOnlyByteBuffer());
    } catch (InvalidArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (decoded.kind() == Messages.KIND_INFO) {
      return reply(Messages.infoReply(local.engine()));
    }
    swap.readLock().lock();
    try {
      return reply(Messages.readReply(store.get(decoded.key())));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      swap.readLock().unlock();
    }
  }

  /**
   * Checkpoints the store into a new snapshot directory, after recording in the store the last
   * applied index (which a configuration entry may have moved past the last write). An engine
   * without checkpoints takes no snapshot: its node keeps the whole log.
   */
  @Override
  public long takeSnapshot() throws IOException {
    applyThreadRuns();
    TermIndex last = getLastAppliedTermIndex();
    if (!local.canCheckpoint() || last == null || last.getIndex() < 0) {
      SnapshotInfo s = snapshots.getLatestSnapshot();
      return s == null ? RaftLog.INVALID_LOG_INDEX : s.getIndex();
    }
    Path target = snapshots.pathOf(last);
    if (Files.exists(target)) {
      return last.getIndex();
    }
    if (last.getIndex() > storeApplied.index()) {
      Position position = new Position(last.getTerm(), last.getIndex());
      store.put(AppliedIndex.KEY, AppliedIndex.encode(position), Durability.SYNC);
      storeApplied = position;
    }
    Path temporary = snapshots.temporaryPath(last);
    store.checkpoint(temporary);
    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    snapshots.refresh();
    return last.getIndex();
  }

  @Override
  public void close() throws IOException {
    swap.writeLock().lock();
    try {
      StorageEngine s = store;
      if (s != null) {
        s.close();
      }
    } finally {
      swap.writeLock().unlock();
    }
    super.close();
  }

  /** The store, for reading on this node (stale reads, checks); null before initialize. */
  <T> T read(java.util.function.Function<StorageEngine, T> reader) {
    swap.readLock().lock();
    try {
      return reader.apply(store);
    } finally {
      swap.readLock().unlock();
    }
  }

  long appliedEntries() {
    return applied.get();
  }

  /** Entries not applied because their call was applied before (a retry appended again). */
  long duplicateEntries() {
    return duplicates.get();
  }

  long skippedEntries() {
    return skipped.get();
  }

  long installedSnapshots() {
    return installed.get();
  }

  /**
   * Snapshot installs from the leader that had to wait for the previous snapshot to be loaded
   * (refused ones included).
   */
  long deferredInstalls() {
    return deferred.get();
  }

  /** Snapshot installs from the leader this node refused after waiting, to be sent again. */
  long refusedInstalls() {
    return refused.get();
  }

  /** The directory snapshots live in: installed ones appear here before they are loaded. */
  Path snapshotDirectory() {
    return snapshots.directory();
  }

  Optional<Path> latestSnapshot() {
    return snapshots.latestPath();
  }

  private static CompletableFuture<Message> reply(byte[] bytes) {
    return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(bytes)));
  }
}
