package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store says about itself: health, the standard statistics, its key count. */
class HealthTest {

  @TempDir Path dir;

  private static String problems(Health h) {
    return String.join("\n", h.problems());
  }

  @Test
  void aHealthyStoreIsOk() {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("a"), b("1"));
      e.runBackgroundCycle();
      assertEquals(new Health(Health.Status.OK, 0, List.of()), e.health());
    }
  }

  @Test
  void aFailingCycleDegradesTheStoreUntilACycleSucceeds() {
    try (HashEngine e = open(dir, Map.of())) {
      e.runBackgroundCycle(); // the first cycle, started at open, is done
      e.merger().failNextCycle(new IllegalStateException("passing trouble"));
      e.runBackgroundCycle();
      Health h = e.health();
      assertEquals(Health.Status.DEGRADED, h.status(), h::toString);
      assertEquals(1, h.backgroundErrors());
      assertTrue(problems(h).contains("passing trouble"), h::toString);
      e.put(b("a"), b("1"), Durability.SYNC); // it still serves
      e.runBackgroundCycle();
      h = e.health();
      assertEquals(Health.Status.OK, h.status(), h::toString);
      assertEquals(1, h.backgroundErrors(), "the count stays");
      assertEquals(1L, e.statistics().details().get(EngineStatistics.BACKGROUND_ERRORS));
    }
  }

  @Test
  void cyclesFailingAgainAndAgainDegradeThenFailTheStore() {
    try (HashEngine e = open(dir, Map.of())) {
      e.runBackgroundCycle(); // the first cycle, started at open, is done
      e.merger().failEveryCycle(new IllegalStateException("lasting trouble"));
      for (int i = 1; i < Merger.MAX_FAILED_CYCLES; i++) {
        e.runBackgroundCycle();
        Health h = e.health();
        assertEquals(Health.Status.DEGRADED, h.status(), h::toString);
        assertEquals(i, h.backgroundErrors());
        assertTrue(
            problems(h).contains("the last " + i + " background cycles failed"), h::toString);
      }
      e.runBackgroundCycle();
      Health h = e.health();
      assertEquals(Health.Status.FAILED, h.status(), h::toString);
      assertEquals(Merger.MAX_FAILED_CYCLES, h.backgroundErrors());
      assertTrue(problems(h).contains("refuses writes until it is reopened"), h::toString);
      assertTrue(problems(h).contains("lasting trouble"), h::toString);
      assertTrue(h.problems().size() <= 1 + FailStop.RECENT_ERRORS, h::toString);
    }
    try (HashEngine e = open(dir, Map.of())) {
      assertEquals(Health.Status.OK, e.health().status(), "reopening clears it");
    }
  }

  @Test
  void anErrorFailsTheStoreAtOnce() {
    try (HashEngine e = open(dir, Map.of())) {
      e.merger().failNextCycle(new InternalError("a fault occurred in an unsafe memory access"));
      e.runBackgroundCycle();
      Health h = e.health();
      assertEquals(Health.Status.FAILED, h.status(), h::toString);
      assertTrue(problems(h).contains("unsafe memory access"), h::toString);
    }
  }

  /**
   * Fills sealed files with a first version of every key, then overwrites them all but {@code
   * keep}.
   */
  private static void writeTwoVersions(HashEngine e, Runnable betweenVersions, String keep) {
    for (int i = 0; i < KEYS; i++) {
      e.put(b("k" + i), b("first-version-of-" + i), Durability.BUFFERED);
    }
    assertTrue(e.state().files().stream().anyMatch(DataFile::isSealed), "a file was sealed");
    betweenVersions.run();
    for (int i = 0; i < KEYS; i++) {
      if (!("k" + i).equals(keep)) {
        e.put(b("k" + i), b("second-" + i), Durability.BUFFERED);
      }
    }
  }

  private static final int KEYS = 200;

  private static final Map<String, String> SMALL =
      Map.of("file.size", "4k", "merge.threshold", "0.5", "merge.small.files", "0");

  @Test
  void aDataFileFoundDamagedInTheBackgroundDegradesTheStore() {
    try (HashEngine e = open(dir, SMALL)) {
      e.merger().hold(true);
      e.runBackgroundCycle(); // none runs from here on
      Path[] damaged = new Path[1];
      writeTwoVersions(
          e,
          () -> {
            // Damage the record of a key that is not overwritten next (an overwrite reads the old
            // record), in a sealed file under the store, as a bad disk would.
            IndexState st = e.state();
            Entry k5 = st.resolve(st.keyHash.hash(b("k5")), b("k5"), 0);
            DataFile f = st.file(k5.fileId());
            assertTrue(f.isSealed(), "k5 is in a sealed file");
            damaged[0] = f.path();
            try (FileChannel ch = FileChannel.open(f.path(), StandardOpenOption.WRITE)) {
              ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55}), k5.offset() + k5.size() / 2);
            } catch (IOException x) {
              throw new UncheckedIOException(x);
            }
          },
          "k5");
      assertEquals(Health.Status.OK, e.health().status());
      e.merger().hold(false);
      e.runBackgroundCycle();
      Health h = e.health();
      assertEquals(Health.Status.DEGRADED, h.status(), h::toString);
      assertTrue(problems(h).contains("1 damaged data files are left unmerged"), h::toString);
      assertTrue(problems(h).contains(damaged[0].getFileName().toString()), h::toString);
      assertEquals(1L, e.statistics().details().get("files.damaged"));
      assertEquals(1, h.backgroundErrors());
    }
  }

  @Test
  void healthOfAClosedStoreThrows() {
    HashEngine e = open(dir, Map.of());
    e.close();
    assertThrows(ClosedHandleException.class, e::health);
  }

  @Test
  void statisticsCountOpenSnapshotsAndCursorsAndTheOldestOnesAge() throws InterruptedException {
    try (HashEngine e = open(dir, Map.of())) {
      Map<String, Long> d = e.statistics().details();
      assertEquals(0L, d.get(EngineStatistics.SNAPSHOTS_OPEN));
      assertEquals(0L, d.get(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS));
      try (Snapshot s = e.snapshot()) {
        Thread.sleep(30);
        try (Cursor c = e.cursor()) {
          assertFalse(c.next() || s.cursor().next(), "the store is empty");
          d = e.statistics().details();
          assertEquals(2L, d.get(EngineStatistics.SNAPSHOTS_OPEN));
          assertTrue(d.get(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS) >= 30, d::toString);
        }
        assertEquals(1L, e.statistics().details().get(EngineStatistics.SNAPSHOTS_OPEN));
      }
      d = e.statistics().details();
      assertEquals(0L, d.get(EngineStatistics.SNAPSHOTS_OPEN));
      assertEquals(0L, d.get(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS));
    }
  }

  @Test
  void pendingBytesAreTheStaleBytesOfFilesDueForMergeUntilMerged() {
    try (HashEngine e = open(dir, SMALL)) {
      e.merger().hold(true);
      e.runBackgroundCycle(); // none runs from here on
      writeTwoVersions(
          e,
          () ->
              assertEquals(
                  0L, e.statistics().details().get(EngineStatistics.BACKGROUND_PENDING_BYTES)),
          null);
      long due = 0;
      for (DataFile f : e.state().files()) {
        if (f.isSealed() && f.staleFraction() >= 0.5) {
          due += f.staleBytes();
        }
      }
      assertTrue(due > 0, "files are due for merge");
      assertEquals(due, e.statistics().details().get(EngineStatistics.BACKGROUND_PENDING_BYTES));
      e.merger().hold(false);
      for (int i = 0; i < 5 && pending(e) > 0; i++) {
        e.runBackgroundCycle();
      }
      assertEquals(0L, pending(e));
      assertTrue(e.statistics().details().get("merge.count") > 0);
    }
  }

  private static long pending(HashEngine e) {
    return e.statistics().details().get(EngineStatistics.BACKGROUND_PENDING_BYTES);
  }

  @Test
  void approximateCountOfAllIsTheIndexsLiveKeyCount() {
    try (HashEngine e = open(dir, Map.of("file.size", "4k"))) {
      for (int i = 0; i < 100; i++) {
        e.put(b("k" + i), b("v"), Durability.BUFFERED);
      }
      for (int i = 0; i < 100; i += 10) {
        e.delete(b("k" + i), Durability.BUFFERED);
      }
      e.put(b("k1"), b("again"), Durability.BUFFERED);
      assertEquals(90, e.approximateCount(KeyRange.all()));
      assertThrows(
          UnsupportedCapabilityException.class, () -> e.approximateCount(KeyRange.atLeast(b("k"))));
    }
    try (HashEngine e = open(dir, Map.of("file.size", "4k"))) {
      assertEquals(90, e.approximateCount(KeyRange.all()));
    }
  }
}
