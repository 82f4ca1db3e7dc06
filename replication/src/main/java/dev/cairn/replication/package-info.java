/**
 * Replication: any Cairn engine as the state machine of an Apache Ratis (Raft) group.
 *
 * <p>Reading order: {@link dev.cairn.replication.ReplicationNode} runs one node (a Raft server over
 * a local store); {@link dev.cairn.replication.ReplicatedStore} is the client, with the store's
 * calls, membership and leadership. Inside: {@code StoreStateMachine} applies the log to the store,
 * {@code Entry} is a log entry's bytes (docs/formats/replication-entry.md), {@code AppliedIndex}
 * the reserved key that records the last entry applied, {@code SnapshotDirectory} the snapshots
 * (engine checkpoints), {@code LocalStore} how a node opens its store and replaces it with a
 * snapshot; {@link dev.cairn.replication.NodeStatus} what a node says of itself. The package {@code
 * dev.cairn.replication.cli} is {@code cairn cluster}, on the public API only. The guarantees are
 * in docs/replication.md.
 */
package dev.cairn.replication;
