package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's retry of a write, sent after every node restarted from a snapshot that holds the
 * write: no node's in-memory retry cache knows the call, so the leader appends it to the log a
 * second time; the session table must keep it from being applied again and answer it with the first
 * reply (without it, a {@code putIfAbsent} whose value was stored is told it failed).
 */
class RetryAcrossRestartTest {

  private static final byte[] KEY = "k".getBytes(UTF_8);
  private static final long CALL_ID = 4242;

  @TempDir Path dir;

  @Test
  void aRetryAppendedAgainAfterARestartFromASnapshotIsAnsweredWithTheFirstReply() throws Exception {
    try (TestCluster cluster =
        new TestCluster(dir, b -> b.snapshotThreshold(1_000), "lsm", "btree", "hash").startAll()) {
      cluster.awaitLeader();
      RaftGroup group =
          RaftGroup.valueOf(
              RaftGroupId.valueOf(cluster.id), cluster.peers.stream().map(Peer::toRaft).toList());
      ClientId clientId = ClientId.randomId();
      byte[] entry =
          Entry.encode(new WriteBatch().requireAbsent(KEY).put(KEY, "first".getBytes(UTF_8)));
      assertEquals(Messages.STATUS_APPLIED, send(cluster, group, clientId, entry).status());
      cluster.awaitConverged();
      // Each node takes a snapshot as it stops, and starts from it: nothing is applied again.
      for (Peer p : cluster.peers) {
        cluster.stop(p.id());
      }
      for (Peer p : cluster.peers) {
        cluster.start(p.id());
      }
      Messages.WriteOutcome retried = send(cluster, group, clientId, entry);
      cluster.awaitConverged();
      assertEquals(
          Messages.STATUS_APPLIED,
          retried.status(),
          "the retry's reply (1 = conflict: the write was applied a second time)");
      long duplicates = 0;
      for (ReplicationNode n : cluster.running()) {
        duplicates += n.duplicateEntries();
        assertEquals(0, n.appliedEntries(), n + " applied the retry again");
      }
      assertEquals(3, duplicates, "every node found the retry in its session table");
      try (ReplicatedStore store = cluster.client()) {
        assertArrayEquals("first".getBytes(UTF_8), store.get(KEY));
      }
    }
  }

  /**
   * Sends {@code entry} as call {@link #CALL_ID} of {@code clientId}, retried until it succeeds.
   */
  private static Messages.WriteOutcome send(
      TestCluster cluster, RaftGroup group, ClientId clientId, byte[] entry) throws Exception {
    try (RaftClient raw =
        RaftClient.newBuilder()
            .setClientId(clientId)
            .setRaftGroup(group)
            .setProperties(new RaftProperties())
            .build()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        ReplicationNode leader = cluster.awaitLeader();
        RaftClientRequest request =
            RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(leader.self().raftId())
                .setGroupId(group.getGroupId())
                .setCallId(CALL_ID)
                .setMessage(Message.valueOf(ByteString.copyFrom(entry)))
                .setType(RaftClientRequest.writeRequestType())
                .build();
        RaftClientReply reply;
        try {
          reply = raw.getClientRpc().sendRequest(request);
        } catch (java.io.IOException e) {
          reply = null;
        }
        if (reply != null && reply.isSuccess()) {
          return Messages.decodeWriteReply(
              ByteBuffer.wrap(reply.getMessage().getContent().toByteArray()));
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "call not answered within 60 s: " + (reply == null ? "no reply" : reply));
        }
        Thread.sleep(100);
      }
    }
  }
}
