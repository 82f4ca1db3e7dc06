package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BackgroundErrorReason;
import org.rocksdb.Status;

/**
 * What {@link RocksDbEngine#health()} says: OK, DEGRADED while a compaction error is outstanding,
 * FAILED once fail-stopped. The errors are handed to the store's listener as RocksDB hands them;
 * {@link FailStopTest} makes RocksDB fail a table-file write for real.
 */
class HealthTest {

  @TempDir Path tmp;

  private static Status ioError(String state) {
    return new Status(Status.Code.IOError, Status.SubCode.None, state);
  }

  @Test
  void aFreshStoreIsOk() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      assertEquals(new Health(Health.Status.OK, 0, List.of()), e.health());
      assertEquals(0L, e.statistics().details().get(EngineStatistics.BACKGROUND_ERRORS));
    }
  }

  @Test
  void aFailedCompactionDegradesTheStoreUntilACompactionSucceeds() {
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e = Fixtures.open(dir)) {
      e.backgroundErrorsForTest()
          .onBackgroundError(BackgroundErrorReason.COMPACTION, ioError("no room for the output"));
      Health h = e.health();
      assertEquals(Health.Status.DEGRADED, h.status());
      assertEquals(1, h.backgroundErrors());
      assertEquals(
          List.of(
              "background compaction failed in "
                  + dir.toAbsolutePath()
                  + ": IOError: no room for the output"),
          h.problems());
      assertEquals(1L, e.statistics().details().get(EngineStatistics.BACKGROUND_ERRORS));

      e.put(b("a"), b("1")); // a degraded store takes writes
      e.flush();
      assertNull(e.flushMemtableForTest());
      e.put(b("a"), b("2"));
      assertNull(e.flushMemtableForTest());
      e.compactForTest(); // two overlapping tables: a real compaction, and it succeeds
      assertEquals(Health.Status.OK, e.health().status(), e.health().toString());
      assertEquals(1, e.health().backgroundErrors(), "the error is still counted");
    }
  }

  @Test
  void aCompactionThatFindsCorruptionFailStops() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      e.backgroundErrorsForTest()
          .onBackgroundError(
              BackgroundErrorReason.COMPACTION,
              new Status(Status.Code.Corruption, Status.SubCode.None, "block checksum mismatch"));
      Health h = e.health();
      assertEquals(Health.Status.FAILED, h.status());
      assertTrue(h.problems().getLast().contains("block checksum mismatch"), h.toString());
      assertThrows(EngineFailedException.class, () -> e.put(b("k"), b("v")));
    }
  }

  @Test
  void aFailedFlushFails() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      for (int i = 0; i < 7; i++) {
        e.backgroundErrorsForTest()
            .onBackgroundError(BackgroundErrorReason.FLUSH, ioError("error " + i));
      }
      Health h = e.health();
      assertEquals(Health.Status.FAILED, h.status());
      assertEquals(7, h.backgroundErrors());
      assertEquals(BackgroundErrors.KEPT, h.problems().size(), "a few problems, the latest");
      assertTrue(h.problems().getFirst().contains("error 0"), "the cause first: " + h);
      assertTrue(h.problems().getLast().contains("error 6"), "the latest last: " + h);
      assertThrows(EngineFailedException.class, e::flush);
    }
  }

  @Test
  void healthAfterCloseIsRefused() {
    RocksDbEngine e = Fixtures.open(tmp.resolve("db"));
    e.close();
    assertThrows(ClosedHandleException.class, e::health);
  }
}
