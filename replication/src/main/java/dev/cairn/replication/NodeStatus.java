package dev.cairn.replication;

import java.util.List;
import java.util.Optional;

/**
 * What one node says of itself when asked ({@link ReplicatedStore#status}): a snapshot of a moving
 * cluster, which may be out of date by the time it is read.
 *
 * @param node the node asked
 * @param role {@code LEADER}, {@code FOLLOWER}, {@code CANDIDATE} (an election is under way) or
 *     {@code LISTENER}, as Ratis names them
 * @param leader the id of the leader this node knows of, if any
 * @param members the members of the configuration this node holds
 * @param engine the engine this node's store runs
 * @param appliedIndex the index of the last log entry applied to this node's store
 * @param commitIndex the index of the last log entry this node knows to be committed
 * @param snapshotIndex the index of this node's latest snapshot, or -1 when it has none
 */
public record NodeStatus(
    Peer node,
    String role,
    Optional<String> leader,
    List<Peer> members,
    String engine,
    long appliedIndex,
    long commitIndex,
    long snapshotIndex) {

  /** Copies {@code members}. */
  public NodeStatus {
    members = List.copyOf(members);
  }
}
