package dev.cairn.replication;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.ratis.server.protocol.TermIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower that needs a second snapshot right after the first: the leader purged its log past the
 * first snapshot while sending it, so it sends the next one at once, while the follower is still
 * loading the first into its store. Ratis's apply thread, reloading the first, then forgets that a
 * second was installed: a state machine that loads only the first reports its index, its log starts
 * after the second one's, and its apply thread waits for entries that never come (nor can the node
 * be closed). The follower must end with the leader's entries.
 *
 * <p>The order is forced with the state machine's install hooks: the first install waits, once its
 * chunks are written and before it ends, until the leader's log starts past the snapshot it is
 * sending; the loading of the first snapshot waits until the second install has come (written into
 * the state-machine directory, or waiting for the follower to load the first).
 */
class BackToBackSnapshotInstallTest {

  @TempDir Path dir;

  @Test
  void aSnapshotInstalledWhileThePreviousOneLoadsIsLoadedToo() throws Exception {
    try (TestCluster cluster =
            new TestCluster(
                    dir, b -> b.snapshotThreshold(20).logSegmentSize(1024), "lsm", "hash", "btree")
                .startAll();
        ReplicatedStore store = cluster.client()) {
      cluster.awaitLeaderOtherThan(store, "n2", "n0");
      AtomicInteger written = new AtomicInteger();
      write(store, written, 50);
      cluster.awaitConverged();
      long downAt = cluster.node("n2").appliedIndex();
      cluster.stop("n2");
      write(store, written, 100);
      List<ReplicationNode> others = List.of(cluster.node("n0"), cluster.node("n1"));
      for (ReplicationNode n : others) {
        TestCluster.awaitTrue(
            () -> n.logStartIndex() > downAt + 1,
            Duration.ofSeconds(60),
            n.self().id() + " to purge its log past index " + downAt);
      }

      AtomicBoolean firstInstall = new AtomicBoolean(true);
      AtomicLong sentFirst = new AtomicLong(-1);
      AtomicBoolean secondCameWhileLoading = new AtomicBoolean();
      StoreStateMachine.InstallHooks hooks =
          new StoreStateMachine.InstallHooks() {
            @Override
            public void beforeInstallEnds(StoreStateMachine machine) {
              if (!firstInstall.getAndSet(false)) {
                return;
              }
              // The leader moves its log past the snapshot it is sending: once this follower has
              // installed it, the leader has no entry to send next, only a newer snapshot.
              TestCluster.awaitTrue(
                  () -> others.stream().anyMatch(ReplicationNode::isLeader),
                  Duration.ofSeconds(30),
                  "a leader among n0 and n1");
              ReplicationNode lead =
                  others.stream().filter(ReplicationNode::isLeader).findFirst().orElseThrow();
              long sending =
                  lead.latestSnapshot().map(SnapshotDirectory::positionOf).orElseThrow().getIndex();
              sentFirst.set(sending);
              while (lead.logStartIndex() <= sending + 1) {
                write(store, written, 5);
              }
            }

            @Override
            public void afterRestore(StoreStateMachine machine, TermIndex at) {
              if (secondCameWhileLoading.get()) {
                return;
              }
              // The first snapshot stays loading until the next install has come.
              TestCluster.awaitTrue(
                  () ->
                      newestSnapshot(machine.snapshotDirectory()) > at.getIndex()
                          || machine.deferredInstalls() > 0,
                  Duration.ofSeconds(30),
                  "a second snapshot install while the first (" + at + ") loads");
              secondCameWhileLoading.set(true);
            }
          };
      ReplicationNode follower = cluster.start("n2", b -> b.installHooks(hooks));
      TestCluster.awaitTrue(
          secondCameWhileLoading::get, Duration.ofSeconds(60), "the second snapshot install");
      cluster.awaitConverged();

      assertTrue(
          follower.installedSnapshots() >= 2,
          "n2 loaded " + follower.installedSnapshots() + " snapshots (the first was " + sentFirst);
      ReplicationNode lead = cluster.leader().orElseThrow();
      String digest = lead.contentDigest();
      assertTrue(digest.startsWith(written.get() + ":"), digest + " after " + written + " writes");
      assertEquals(digest, follower.contentDigest(), "n2 (btree) against " + lead);
      assertEquals(List.of(), follower.checkConsistency());
    }
  }

  private static void write(ReplicatedStore store, AtomicInteger written, int count) {
    for (int i = 0; i < count; i++) {
      int n = written.getAndIncrement();
      store.put(("key" + n).getBytes(UTF_8), ("value " + n + " " + "x".repeat(60)).getBytes(UTF_8));
    }
  }

  /**
   * The index of the newest snapshot directory in {@code smDirectory}, -1 if none or while Ratis
   * replaces the directory with an installed snapshot's.
   */
  private static long newestSnapshot(Path smDirectory) {
    try (Stream<Path> s = Files.list(smDirectory)) {
      return s.filter(p -> SnapshotDirectory.NAME.matcher(p.getFileName().toString()).matches())
          .mapToLong(p -> SnapshotDirectory.positionOf(p).getIndex())
          .max()
          .orElse(-1);
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
  }
}
