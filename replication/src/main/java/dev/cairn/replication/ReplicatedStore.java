package dev.cairn.replication;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogInfoProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * A client of a replicated store: the {@code StorageEngine} calls, each sent to the cluster's
 * leader.
 *
 * <ul>
 *   <li><b>Writes</b> ({@link #put}, {@link #delete}, {@link #write}) return once the write is
 *       committed, that is in the Raft log of a majority of the nodes, each of which fsynced it,
 *       and applied by the leader. That is what {@code SYNC} means for a replicated store.
 *   <li><b>Conditional writes</b> ({@link #putIfAbsent}, {@link #replace}, {@link #deleteIfEquals},
 *       and a {@link WriteBatch} with preconditions) are checked when the leader's log applies
 *       them, so they are linearizable across the cluster.
 *   <li><b>Reads</b> ({@link #get}) are linearizable: the leader confirms it still leads (Raft's
 *       read index) and answers once it has applied everything committed before the read began.
 *   <li><b>Stale reads</b> ({@link #staleGet}) ask one named node for what it has applied: cheap,
 *       and possibly behind the cluster by any number of writes.
 * </ul>
 *
 * <p>Only the default keyspace is replicated, batches hold no range delete, and keys under {@link
 * #reservedPrefix()} belong to the replication itself; each is refused with {@link
 * InvalidArgumentException}. A call that cannot complete in its timeout throws {@link
 * ReplicationException}. Membership ({@link #members}, {@link #setMembers}) and leadership ({@link
 * #transferLeadership}) are managed here too. Thread-safe; must be closed.
 */
public final class ReplicatedStore implements AutoCloseable {

  private final RaftGroupId groupId;
  private final RaftClient client;
  private final Duration timeout;
  private final DeadlineRetry retry;

  /**
   * The smallest commit index a node asked for its engine must have: none. NB: with 0, a node of a
   * cluster that has not committed its first entry yet (commit index -1) refuses the stale read.
   */
  private static final long ANY_COMMIT_INDEX = -1;

  /** How long {@link #leader} waits for each node it asks. */
  private static final Duration ASK_LEADER_TIMEOUT = Duration.ofSeconds(1);

  private ReplicatedStore(UUID clusterId, List<Peer> members, Duration timeout) {
    this.groupId = RaftGroupId.valueOf(clusterId);
    this.timeout = timeout;
    List<RaftPeer> peers = new ArrayList<>();
    for (Peer p : members) {
      peers.add(p.toRaft());
    }
    RaftProperties properties = new RaftProperties();
    long attemptMillis = Math.max(200, Math.min(timeout.toMillis(), 3_000));
    RaftClientConfigKeys.Rpc.setRequestTimeout(
        properties, TimeDuration.valueOf(attemptMillis, TimeUnit.MILLISECONDS));
    this.retry = new DeadlineRetry((int) Math.max(1, timeout.toMillis() / 100));
    this.client =
        RaftClient.newBuilder()
            .setClientId(ClientId.randomId())
            .setRaftGroup(RaftGroup.valueOf(groupId, peers))
            .setProperties(properties)
            .setRetryPolicy(retry)
            .build();
  }

  /**
   * Connects to the cluster {@code clusterId} whose members include some of {@code members}, with
   * calls that give up after about {@code timeout}.
   *
   * @throws InvalidArgumentException if an argument is null or {@code members} is empty
   */
  public static ReplicatedStore connect(UUID clusterId, List<Peer> members, Duration timeout) {
    if (clusterId == null || members == null || members.isEmpty() || timeout == null) {
      throw new InvalidArgumentException(
          "a replicated store needs a cluster id, at least one member and a timeout");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new InvalidArgumentException("timeout must be positive: " + timeout);
    }
    return new ReplicatedStore(clusterId, members, timeout);
  }

  /** {@link #connect(UUID, List, Duration)} with calls that give up after 30 seconds. */
  public static ReplicatedStore connect(UUID clusterId, List<Peer> members) {
    return connect(clusterId, members, Duration.ofSeconds(30));
  }

  /** Keys starting with these bytes belong to the replication; clients may not write them. */
  public static byte[] reservedPrefix() {
    return AppliedIndex.RESERVED_PREFIX.clone();
  }

  // ---------------------------------------------------------------------------------------------
  // Writes

  /** Writes {@code value} under {@code key}; returns once committed. */
  public void put(byte[] key, byte[] value) {
    write(new WriteBatch().put(checkKey(key), value));
  }

  /** Deletes {@code key}; returns once committed. Deleting an absent key is not an error. */
  public void delete(byte[] key) {
    write(new WriteBatch().delete(checkKey(key)));
  }

  /**
   * Applies {@code batch} atomically on every node; returns once committed.
   *
   * @throws ConflictException if a precondition failed (nothing applied), naming its key
   * @throws InvalidArgumentException if the batch names another keyspace, holds a range delete, or
   *     writes a reserved key
   * @throws ReplicationException if the write did not complete in time; see {@link
   *     ReplicationException#outcomeUnknown()}
   */
  public void write(WriteBatch batch) {
    Entry.checkReplicable(batch);
    byte[] entry = Entry.encode(batch);
    RaftClientReply reply;
    try {
      reply =
          retry.call(timeout, () -> client.io().send(Message.valueOf(ByteString.copyFrom(entry))));
    } catch (IOException e) {
      throw new ReplicationException("write failed: " + e.getMessage(), true, e);
    }
    if (!reply.isSuccess()) {
      throw new ReplicationException(
          "write failed: " + reply.getException(), true, reply.getException());
    }
    Messages.WriteOutcome outcome =
        Messages.decodeWriteReply(reply.getMessage().getContent().asReadOnlyByteBuffer());
    switch (outcome.status()) {
      case Messages.STATUS_CONFLICT ->
          throw new ConflictException(
              Keyspace.DEFAULT,
              outcome.conflictKey(),
              "a precondition of the replicated batch failed on key "
                  + java.util.HexFormat.of().formatHex(outcome.conflictKey()));
      case Messages.STATUS_REPLAYED -> {
        if (!batch.preconditions().isEmpty()) {
          throw new ReplicationException(
              "the conditional write was applied before the leader restarted; whether its"
                  + " condition held is no longer known",
              true,
              null);
        }
      }
      default -> {}
    }
  }

  /** Writes {@code value} if {@code key} is absent; true when it did. */
  public boolean putIfAbsent(byte[] key, byte[] value) {
    return conditional(new WriteBatch().requireAbsent(checkKey(key)).put(key, value));
  }

  /** Writes {@code value} if {@code key} holds {@code expected}; true when it did. */
  public boolean replace(byte[] key, byte[] expected, byte[] value) {
    return conditional(new WriteBatch().requireValue(checkKey(key), expected).put(key, value));
  }

  /** Deletes {@code key} if it holds {@code expected}; true when it did. */
  public boolean deleteIfEquals(byte[] key, byte[] expected) {
    return conditional(new WriteBatch().requireValue(checkKey(key), expected).delete(key));
  }

  private boolean conditional(WriteBatch batch) {
    try {
      write(batch);
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  /** The value of {@code key}, or null when absent: a linearizable read through the leader. */
  public byte[] get(byte[] key) {
    Limits.checkKey(key);
    try {
      return value(
          retry.call(
              timeout,
              () ->
                  client
                      .io()
                      .sendReadOnly(Message.valueOf(ByteString.copyFrom(Messages.get(key))))));
    } catch (IOException e) {
      throw new ReplicationException("read failed: " + e.getMessage(), false, e);
    }
  }

  /**
   * The value of {@code key} on node {@code peerId}, or null: a <b>stale read</b>, which may miss
   * any number of writes committed but not yet applied there. Cheap, and served by followers.
   */
  public byte[] staleGet(String peerId, byte[] key) {
    Limits.checkKey(key);
    try {
      return value(
          retry.call(
              timeout,
              () ->
                  client
                      .io()
                      .sendStaleRead(
                          Message.valueOf(ByteString.copyFrom(Messages.get(key))),
                          0,
                          RaftPeerId.valueOf(peerId))));
    } catch (IOException e) {
      throw new ReplicationException("stale read failed: " + e.getMessage(), false, e);
    }
  }

  private static byte[] value(RaftClientReply reply) {
    if (!reply.isSuccess()) {
      throw new ReplicationException(
          "read failed: " + reply.getException(), false, reply.getException());
    }
    return Messages.decodeReadReply(reply.getMessage().getContent().asReadOnlyByteBuffer());
  }

  // ---------------------------------------------------------------------------------------------
  // Membership and leadership

  /** The members of the cluster's current configuration, as node {@code askPeerId} knows them. */
  public List<Peer> members(String askPeerId) {
    try {
      GroupInfoReply info =
          retry.call(
              timeout,
              () -> client.getGroupManagementApi(RaftPeerId.valueOf(askPeerId)).info(groupId));
      List<Peer> out = new ArrayList<>();
      for (RaftPeer p : info.getGroup().getPeers()) {
        out.add(Peer.of(p));
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new ReplicationException(
          "asking " + askPeerId + " for members failed: " + e.getMessage(), false, e);
    }
  }

  /**
   * What node {@code peer} says of itself: its role, the leader it knows, its configuration, its
   * engine and how far it applied the log. Waits at most {@code wait} for the node, which may be
   * down.
   *
   * @throws ReplicationException if the node did not answer in time
   */
  public NodeStatus status(Peer peer, Duration wait) {
    if (peer == null || wait == null || wait.isNegative() || wait.isZero()) {
      throw new InvalidArgumentException("status needs a peer and a positive wait");
    }
    try {
      GroupInfoReply info =
          retry.call(wait, () -> client.getGroupManagementApi(peer.raftId()).info(groupId));
      RaftClientReply engine =
          retry.call(
              wait,
              () ->
                  client
                      .io()
                      .sendStaleRead(
                          Message.valueOf(ByteString.copyFrom(Messages.info())),
                          ANY_COMMIT_INDEX,
                          peer.raftId()));
      if (!engine.isSuccess()) {
        throw new ReplicationException(
            "asking " + peer + " for its engine failed: " + engine.getException(),
            false,
            engine.getException());
      }
      RoleInfoProto role = info.getRoleInfoProto();
      Optional<String> leader =
          switch (role.getRole()) {
            case LEADER -> Optional.of(peer.id());
            case FOLLOWER ->
                role.getFollowerInfo().hasLeaderInfo()
                    ? Optional.of(
                            role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8())
                        .filter(id -> !id.isEmpty())
                    : Optional.empty();
            default -> Optional.empty();
          };
      List<Peer> members = new ArrayList<>();
      for (RaftPeer p : info.getGroup().getPeers()) {
        members.add(Peer.of(p));
      }
      LogInfoProto log = info.getLogInfoProto();
      return new NodeStatus(
          peer,
          role.getRole().name(),
          leader,
          members,
          Messages.decodeInfoReply(engine.getMessage().getContent().asReadOnlyByteBuffer()),
          log.hasApplied() ? log.getApplied().getIndex() : -1,
          log.hasCommitted() ? log.getCommitted().getIndex() : -1,
          log.hasLastSnapshot() ? log.getLastSnapshot().getIndex() : -1);
    } catch (IOException | RuntimeException e) {
      // NB: Ratis's gRPC client throws its own unchecked exceptions for a node it cannot reach
      if (e instanceof ReplicationException r) {
        throw r;
      }
      throw new ReplicationException(
          "asking " + peer + " for its status failed: " + e.getMessage(), false, e);
    }
  }

  /**
   * The id of the node that says it leads now, asking each of {@code candidates} in turn; empty
   * when none does (an election is under way, or none answered). Leadership may move at any time.
   */
  public Optional<String> leader(List<Peer> candidates) {
    for (Peer p : candidates) {
      try {
        GroupInfoReply info =
            retry.call(
                ASK_LEADER_TIMEOUT, () -> client.getGroupManagementApi(p.raftId()).info(groupId));
        if (info.getRoleInfoProto().getRole() == RaftPeerRole.LEADER) {
          return Optional.of(p.id());
        }
      } catch (IOException | RuntimeException e) {
        // NB: a node that is down or unreachable is simply not the leader (Ratis's gRPC client
        // also throws its own unchecked exceptions for one)
      }
    }
    return Optional.empty();
  }

  /**
   * Makes {@code members} the cluster's configuration: adds, removes or replaces nodes in one
   * membership change (Raft's joint consensus). Nodes being added must be running already (with
   * {@code members} as their members); they catch up from the leader's log or snapshot before the
   * change commits. Returns once the new configuration is committed.
   *
   * @throws ReplicationException if the change did not complete in time
   */
  public void setMembers(List<Peer> members) {
    if (members == null || members.isEmpty()) {
      throw new InvalidArgumentException("a cluster needs at least one member");
    }
    List<RaftPeer> peers = new ArrayList<>();
    for (Peer p : members) {
      peers.add(p.toRaft());
    }
    RaftClientReply reply;
    try {
      reply = retry.call(timeout, () -> client.admin().setConfiguration(peers));
    } catch (IOException e) {
      throw new ReplicationException("membership change failed: " + e.getMessage(), true, e);
    }
    if (!reply.isSuccess()) {
      throw new ReplicationException(
          "membership change failed: " + reply.getException(), true, reply.getException());
    }
  }

  /**
   * Asks the leader to hand leadership to {@code peerId}, and waits until it has.
   *
   * @throws ReplicationException if the transfer did not complete in the timeout
   */
  public void transferLeadership(String peerId) {
    RaftClientReply reply;
    try {
      reply =
          retry.call(
              timeout,
              () ->
                  client
                      .admin()
                      .transferLeadership(RaftPeerId.valueOf(peerId), timeout.toMillis()));
    } catch (IOException e) {
      throw new ReplicationException("leadership transfer failed: " + e.getMessage(), false, e);
    }
    if (!reply.isSuccess()) {
      throw new ReplicationException(
          "leadership transfer failed: " + reply.getException(), false, reply.getException());
    }
  }

  private static byte[] checkKey(byte[] key) {
    Limits.checkKey(key);
    if (AppliedIndex.isReserved(key)) {
      throw new InvalidArgumentException(
          "keys starting with ReplicatedStore.reservedPrefix() belong to the replication");
    }
    return key;
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      throw new ReplicationException("closing the client failed: " + e.getMessage(), false, e);
    }
  }
}
