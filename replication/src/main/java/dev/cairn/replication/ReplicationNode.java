package dev.cairn.replication;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * One node of a replicated store: a Raft server on its own address, whose state machine is a Cairn
 * store of the engine this node runs (nodes of one cluster may run different engines).
 *
 * <pre>{@code
 * try (ReplicationNode node = ReplicationNode.builder(clusterId, self, members)
 *         .engine("lsm").directory(dir).start()) {
 *   ... // serves until closed
 * }
 * }</pre>
 *
 * <p>The node keeps its Raft log and snapshots in {@code <directory>/raft} and its store in {@code
 * <directory>/store}; both survive a restart, which replays exactly the log entries the store
 * misses (docs/replication.md). Clients talk to the cluster through {@link ReplicatedStore}, not to
 * a node. Thread-safe; {@link #close()} stops the server and closes the store.
 *
 * <p>A watchdog thread fail-stops the node (closes its server and store, and says why in {@link
 * #failure()} and an ERROR log line) if its step-down from leader does not finish within {@link
 * #STEP_DOWN_LIMIT}, a Ratis fault after which the node would never answer its peers again; start
 * such a node again (docs/replication.md, "Failure modes not handled").
 */
public final class ReplicationNode implements AutoCloseable {

  private final Peer self;
  private final RaftGroupId groupId;
  private final RaftServer server;
  private final StoreStateMachine stateMachine;

  private static final System.Logger LOG = System.getLogger(ReplicationNode.class.getName());

  /** Checks every second that a step-down finished (see {@link #STEP_DOWN_LIMIT}). */
  private final ScheduledExecutorService watchdog;

  private final Duration stepDownLimit;

  /**
   * Log appender threads of this node seen while it did not lead, with when each was first seen so;
   * touched by the watchdog's thread only.
   */
  private final Map<Thread, Long> appendersNotLeading = new HashMap<>();

  /** Completed with the reason once the node fail-stopped; never completed otherwise. */
  private final CompletableFuture<String> failed = new CompletableFuture<>();

  private ReplicationNode(Builder b) throws IOException {
    this.self = b.self;
    this.groupId = RaftGroupId.valueOf(b.clusterId);
    // NB: a joining node starts with no configuration (Ratis refuses a group without this node),
    // so Ratis starts it waiting for a leader to send it one
    List<RaftPeer> peers = new ArrayList<>();
    if (!b.joining) {
      for (Peer p : b.members) {
        peers.add(p.toRaft());
      }
    }
    RaftProperties properties = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(properties, List.of(b.directory.resolve("raft").toFile()));
    GrpcConfigKeys.Server.setPort(properties, self.port());
    RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
    long timeout = b.electionTimeout.toMillis();
    RaftServerConfigKeys.Rpc.setTimeoutMin(
        properties, TimeDuration.valueOf(timeout, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(
        properties, TimeDuration.valueOf(2 * timeout, TimeUnit.MILLISECONDS));
    if (b.snapshotThreshold > 0) {
      RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
      RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, b.snapshotThreshold);
      RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
      RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
      RaftServerConfigKeys.Log.setPurgeGap(properties, 1);
    }
    RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(
        properties, b.snapshotThreshold > 0 && b.snapshotOnStop);
    RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(b.logSegmentSize));
    RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, true);
    // NB: Ratis waits up to 5 s between retries to a follower that failed; one restarted after a
    // few seconds down would wait that long to be caught up. Retry every second at most.
    RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "1ms,10, 200ms,50, 1s,1000000");
    this.stateMachine =
        new StoreStateMachine(new LocalStore(b.engine, b.settings, b.directory), b.installHooks);
    this.server =
        RaftServer.newBuilder()
            .setServerId(self.raftId())
            .setGroup(RaftGroup.valueOf(groupId, peers))
            .setProperties(properties)
            .setStateMachine(stateMachine)
            .setOption(RaftStorage.StartupOption.RECOVER)
            .build();
    server.start();
    this.stepDownLimit = b.stepDownLimit;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-node-watchdog-" + self.id());
              t.setDaemon(true);
              return t;
            });
    watchdog.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * How long a node's step-down from leader may take before the node fail-stops: once it no longer
   * leads, its log appenders (one thread per follower) end within milliseconds, and the step-down
   * completes when they have. Ratis 3.3.0 can leave one waiting forever for a snapshot install
   * stream that failed after the appender was stopped (docs/replication.md, "A leader that steps
   * down while it sends a snapshot"); the node then answers no vote, append or install again, and
   * only a restart brings it back. The limit is far above a normal step-down, and above a pause of
   * the whole process (a {@code SIGSTOP}, a long garbage collection) that delays one.
   */
  public static final Duration STEP_DOWN_LIMIT = Duration.ofSeconds(30);

  /** One round of the watchdog; never throws (a failed round is logged, the next one runs). */
  private void watch() {
    try {
      if (failed.isDone()) {
        return;
      }
      long now = System.nanoTime();
      List<Thread> appenders = appenderThreads();
      appendersNotLeading.keySet().retainAll(appenders);
      if (!isLeader()) {
        for (Thread t : appenders) {
          appendersNotLeading.putIfAbsent(t, now);
        }
      }
      for (Map.Entry<Thread, Long> e : appendersNotLeading.entrySet()) {
        if (now - e.getValue() >= stepDownLimit.toNanos()) {
          failStop(
              "its step-down from leader did not finish within "
                  + stepDownLimit
                  + ": log appender "
                  + e.getKey().getName()
                  + " still runs ("
                  + e.getKey().getState()
                  + "), so the node would answer no vote, append or install again");
          return;
        }
      }
    } catch (Throwable t) {
      // NB: a scheduled task that throws is never run again, silently; this one goes on
      LOG.log(System.Logger.Level.ERROR, "node " + self + ": a watchdog round failed", t);
    }
  }

  /** Ratis's log appender threads of this node: one per follower while it leads. */
  List<Thread> appenderThreads() {
    String prefix;
    try {
      prefix = memberId() + "->";
    } catch (UncheckedIOException e) {
      return List.of(); // no division: the server is closed
    }
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 64];
    int n = root.enumerate(threads, true);
    List<Thread> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = threads[i].getName();
      if (name.startsWith(prefix) && name.contains("LogAppender")) {
        out.add(threads[i]);
      }
    }
    return out;
  }

  /**
   * Stops this node for good, loudly: says why (an ERROR log line, {@link #failure()}), closes its
   * server and store, and completes {@link #whenFailed()}, so that an operator or a supervisor
   * restarts it.
   */
  private void failStop(String reason) {
    String message = "node " + self + " fail-stopped: " + reason + "; restart it";
    LOG.log(System.Logger.Level.ERROR, message);
    try {
      closeServer();
    } catch (UncheckedIOException e) {
      LOG.log(System.Logger.Level.ERROR, "node " + self + " did not close after failing", e);
    } finally {
      failed.complete(message);
    }
  }

  /**
   * Why this node fail-stopped (its server closed; restart it), or empty while it runs as it
   * should.
   */
  public Optional<String> failure() {
    return Optional.ofNullable(failed.getNow(null));
  }

  /**
   * Completes with {@link #failure()}'s reason once this node fail-stopped; a process running a
   * node waits on it to exit with an error.
   */
  public CompletionStage<String> whenFailed() {
    return failed.minimalCompletionStage();
  }

  /**
   * A builder for a node of cluster {@code clusterId}, listening as {@code self}, in a cluster
   * whose members are {@code members} ({@code self} among them) when it first starts.
   *
   * @throws InvalidArgumentException if an argument is null, or {@code self} is not a member
   */
  public static Builder builder(UUID clusterId, Peer self, List<Peer> members) {
    if (clusterId == null || self == null || members == null) {
      throw new InvalidArgumentException("cluster id, self and members must not be null");
    }
    if (!members.contains(self)) {
      throw new InvalidArgumentException("members " + members + " must include this node " + self);
    }
    return new Builder(clusterId, self, List.copyOf(members), false);
  }

  /**
   * A builder for a node that is to join the running cluster {@code clusterId}, whose members are
   * {@code currentMembers} ({@code self} not among them): it starts without a configuration of its
   * own, waits for the leader, and becomes a member once {@link ReplicatedStore#setMembers} adds it
   * (after which it restarts as any member does, from the configuration in its log).
   *
   * <p>NB: a node started as a member of a configuration the cluster does not hold yet stands for
   * election when it hears no leader, and the leader, which does not know it, tells it to shut down
   * (Ratis's {@code shouldShutdown} vote reply); a joining node never stands for election before it
   * is a member.
   *
   * @throws InvalidArgumentException if an argument is null or empty, or {@code self} is among
   *     {@code currentMembers}
   */
  public static Builder joining(UUID clusterId, Peer self, List<Peer> currentMembers) {
    if (clusterId == null || self == null || currentMembers == null || currentMembers.isEmpty()) {
      throw new InvalidArgumentException(
          "cluster id, self and the cluster's current members must not be null or empty");
    }
    if (currentMembers.stream().anyMatch(p -> p.id().equals(self.id()))) {
      throw new InvalidArgumentException(
          "a joining node " + self + " is not among the current members " + currentMembers);
    }
    return new Builder(clusterId, self, List.copyOf(currentMembers), true);
  }

  /** This node's peer. */
  public Peer self() {
    return self;
  }

  /** Whether this node is the cluster's leader now (it may stop being at any moment). */
  public boolean isLeader() {
    try {
      return server.getDivision(groupId).getInfo().isLeader();
    } catch (IOException e) {
      return false;
    }
  }

  /** The index of the last entry this node knows to be committed; -1 once it is closed. */
  long commitIndex() {
    try {
      return server.getDivision(groupId).getRaftLog().getLastCommittedIndex();
    } catch (IOException e) {
      return -1;
    }
  }

  /** This node's role as Ratis names it ({@code LEADER}, {@code FOLLOWER}, ...), or "closed". */
  String role() {
    if (server.getLifeCycleState().isClosingOrClosed()) {
      return "closed";
    }
    try {
      return server.getDivision(groupId).getInfo().getCurrentRole().name();
    } catch (IOException e) {
      return "closed";
    }
  }

  /** This node's name in Ratis's log lines and thread names ({@code id@group-...}). */
  String memberId() {
    try {
      return server.getDivision(groupId).getMemberId().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The log index of the last entry this node applied. */
  public long appliedIndex() {
    return stateMachine.getLastAppliedTermIndex().getIndex();
  }

  /**
   * The index of the first entry this node's Raft log still holds (entries before it were purged
   * after a snapshot): a follower that needs an earlier one can only be caught up by a snapshot.
   */
  long logStartIndex() {
    try {
      return server.getDivision(groupId).getRaftLog().getStartIndex();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Entries this node applied to its store since it started (replays it skipped not counted). */
  public long appliedEntries() {
    return stateMachine.appliedEntries();
  }

  /** Entries replayed after a restart that the store already held, and were skipped. */
  public long skippedEntries() {
    return stateMachine.skippedEntries();
  }

  /**
   * Entries not applied since this node started because their call (client id, call id) had been
   * applied before: a client's retry appended to the log a second time, answered with its first
   * reply from the session table.
   */
  public long duplicateEntries() {
    return stateMachine.duplicateEntries();
  }

  /** Snapshots this node replaced its store with since it started. */
  public long installedSnapshots() {
    return stateMachine.installedSnapshots();
  }

  /**
   * Snapshot installs from the leader that waited for this node to load the previous snapshot
   * (refused ones included).
   */
  long deferredInstalls() {
    return stateMachine.deferredInstalls();
  }

  /**
   * Snapshot installs from the leader this node refused after waiting for the previous snapshot to
   * load (the leader sends them again).
   */
  long refusedInstalls() {
    return stateMachine.refusedInstalls();
  }

  /** The directory of this node's latest snapshot, if it has one. */
  public Optional<Path> latestSnapshot() {
    return stateMachine.latestSnapshot();
  }

  /**
   * Reads {@code key} from this node's own store: a <b>stale read</b>, which may miss writes the
   * cluster committed and this node has not applied yet.
   */
  public byte[] staleGet(byte[] key) {
    return stateMachine.read(store -> store.get(key));
  }

  /**
   * A digest of the clients' entries in this node's store (the replication's own key left out), the
   * same on two nodes that applied the same entries, whatever engine each runs: SHA-256 of the
   * entries in unsigned key order, each as {@code | key length (4B) | key | value length (4B) |
   * value |}, with their count.
   */
  public String contentDigest() {
    return stateMachine.read(ReplicationNode::digest);
  }

  /** The consistency check of this node's engine, one line per problem; empty when consistent. */
  public List<String> checkConsistency() {
    return stateMachine.read(store -> List.copyOf(store.checkConsistency().problems()));
  }

  static String digest(StorageEngine store) {
    java.util.TreeMap<byte[], byte[]> sorted =
        new java.util.TreeMap<>(java.util.Arrays::compareUnsigned);
    try (Cursor c = store.cursor(KeyRange.all(), Direction.FORWARD)) {
      while (c.next()) {
        byte[] k = c.key();
        if (!AppliedIndex.isReserved(k)) {
          sorted.put(k, c.value());
        }
      }
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    ByteBuffer length = ByteBuffer.allocate(4);
    for (Map.Entry<byte[], byte[]> e : sorted.entrySet()) {
      sha.update(length.clear().putInt(e.getKey().length).array());
      sha.update(e.getKey());
      sha.update(length.clear().putInt(e.getValue().length).array());
      sha.update(e.getValue());
    }
    return sorted.size() + ":" + HexFormat.of().formatHex(sha.digest());
  }

  /**
   * Stops the server and closes the store. The data stays on disk for a restart.
   *
   * @throws UncheckedIOException if the server failed to close, or did not close within {@link
   *     #CLOSE_TIMEOUT}: Ratis (3.1.3 to 3.3.0) waits, when it closes a follower, until its state
   *     machine applied every committed entry, which never happens if its apply thread waits for
   *     entries its log does not hold (docs/replication.md); such a node is left running, and its
   *     process must be killed (a crash it recovers from)
   */
  @Override
  public void close() {
    watchdog.shutdownNow();
    closeServer();
  }

  private void closeServer() {
    java.util.concurrent.CompletableFuture<Void> closed =
        new java.util.concurrent.CompletableFuture<>();
    Thread closer =
        new Thread(
            () -> {
              try {
                server.close();
                closed.complete(null);
              } catch (Throwable t) {
                closed.completeExceptionally(t);
              }
            },
            "cairn-node-close-" + self.id());
    closer.setDaemon(true);
    closer.start();
    try {
      closed.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new UncheckedIOException(
          new IOException(
              "node "
                  + self
                  + " did not stop within "
                  + CLOSE_TIMEOUT
                  + " (a follower whose apply thread waits for entries its log does not hold"
                  + " cannot be closed; kill its process)",
              e));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new UncheckedIOException(
          "closing node " + self + ": " + e.getCause().getMessage(),
          e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(
          new java.io.InterruptedIOException("interrupted while closing node " + self));
    }
  }

  /** How long {@link #close()} waits for the server to stop. */
  public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String toString() {
    return "node " + self + " (" + (isLeader() ? "leader" : "not leader") + ")";
  }

  /** How a node is set up. Not thread-safe. */
  public static final class Builder {
    private final UUID clusterId;
    private final Peer self;
    private final List<Peer> members;
    private String engine;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Path directory;
    private long snapshotThreshold = 100_000;
    private long logSegmentSize = 8L * 1024 * 1024;
    private Duration electionTimeout = Duration.ofMillis(1000);
    private boolean snapshotOnStop = true;
    private StoreStateMachine.InstallHooks installHooks = StoreStateMachine.InstallHooks.NONE;
    private Duration stepDownLimit = STEP_DOWN_LIMIT;

    private final boolean joining;

    private Builder(UUID clusterId, Peer self, List<Peer> members, boolean joining) {
      this.clusterId = clusterId;
      this.self = self;
      this.members = members;
      this.joining = joining;
    }

    /** The engine this node's store runs (required). */
    public Builder engine(String name) {
      this.engine = name;
      return this;
    }

    /** An engine setting for this node's store. */
    public Builder setting(String name, String value) {
      settings.put(name, value);
      return this;
    }

    /** Where this node keeps its Raft log, snapshots and store (required). */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /**
     * Applied entries between two snapshots (default 100,000); 0 takes none. A snapshot lets the
     * log be purged up to it, and is what a follower that fell behind the purged log installs.
     */
    public Builder snapshotThreshold(long entries) {
      if (entries < 0) {
        throw new InvalidArgumentException("snapshot threshold must be >= 0: " + entries);
      }
      this.snapshotThreshold = entries;
      return this;
    }

    /**
     * Whether a node that stops takes a snapshot first (default true, when snapshots are on), so
     * that it replays less on restart. A node that crashes takes none either way.
     */
    public Builder snapshotOnStop(boolean on) {
      this.snapshotOnStop = on;
      return this;
    }

    /** The size at which a Raft log segment is closed (default 8 MiB); only closed ones purge. */
    public Builder logSegmentSize(long bytes) {
      if (bytes < 1024) {
        throw new InvalidArgumentException("log segment size must be >= 1024 bytes: " + bytes);
      }
      this.logSegmentSize = bytes;
      return this;
    }

    /**
     * The shortest time a follower waits for its leader before it stands for election (default 1 s;
     * the longest is twice that).
     */
    public Builder electionTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 50) {
        throw new InvalidArgumentException("election timeout must be >= 50 ms: " + timeout);
      }
      this.electionTimeout = timeout;
      return this;
    }

    /** How long a step-down may take before the node fail-stops, for tests (default 30 s). */
    Builder stepDownLimit(Duration limit) {
      this.stepDownLimit = limit;
      return this;
    }

    /** Calls around snapshot installs, for tests that order them (none by default). */
    Builder installHooks(StoreStateMachine.InstallHooks hooks) {
      this.installHooks = hooks;
      return this;
    }

    /**
     * Opens the store and starts the server.
     *
     * @throws InvalidArgumentException if the engine or the directory is missing, or the engine
     *     cannot be replicated
     * @throws UncheckedIOException if the server cannot start (its port is taken, its storage is
     *     damaged)
     */
    public ReplicationNode start() {
      if (engine == null || directory == null) {
        throw new InvalidArgumentException("a node needs an engine and a directory");
      }
      try {
        return new ReplicationNode(this);
      } catch (IOException e) {
        throw new UncheckedIOException("starting node " + self + ": " + e.getMessage(), e);
      }
    }
  }
}
