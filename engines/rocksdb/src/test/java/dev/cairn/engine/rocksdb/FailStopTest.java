package dev.cairn.engine.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.Health;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Env;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;

/**
 * Fail-stop when RocksDB's own background work fails: a table-file write that RocksDB refuses on
 * its background thread (here: a space limit its {@link SstFileManager} enforces) must stop the
 * store for every later write and flush, although no caller's call saw the error.
 */
class FailStopTest {

  @TempDir Path tmp;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static RocksDbEngine open(Path dir, Consumer<Options> tuning) {
    EngineOptions options = EngineOptions.builder().directory(dir).build();
    return RocksDbEngine.open(options, RocksDbSettings.from(options), tuning);
  }

  @Test
  void aFailedBackgroundTableWriteFailStopsFlushAndEveryLaterWrite() throws RocksDBException {
    RocksDB.loadLibrary();
    Path dir = tmp.resolve("db");
    try (SstFileManager space = new SstFileManager(Env.getDefault());
        RocksDbEngine e = open(dir, o -> o.setSstFileManager(space))) {
      e.put(b("acknowledged"), b("1"), Durability.SYNC);
      space.setMaxAllowedSpaceUsage(1);
      RocksDBException background = e.flushMemtableForTest();
      assertNotNull(background, "the table-file write should have failed in the background");

      EngineFailedException first = assertThrows(EngineFailedException.class, e::flush);
      assertTrue(first.getMessage().contains(dir.toString()), first.getMessage());
      assertTrue(first.getMessage().contains("background"), first.getMessage());
      assertThrows(EngineFailedException.class, () -> e.put(b("k"), b("v"), Durability.SYNC));
      assertThrows(EngineFailedException.class, () -> e.put(b("k"), b("v"), Durability.BUFFERED));
      assertThrows(EngineFailedException.class, () -> e.delete(b("acknowledged")));
      assertThrows(
          EngineFailedException.class, () -> e.write(new WriteBatch().put(b("k"), b("v"))));
      assertThrows(EngineFailedException.class, () -> e.write(new WriteBatch(), Durability.SYNC));
      assertThrows(EngineFailedException.class, e::flush, "flush keeps failing");

      assertArrayEquals(b("1"), e.get(b("acknowledged")), "reads go on");
      assertEquals(1L, e.statistics().details().get("fail-stopped"), "statistics say so");
      Health health = e.health();
      assertEquals(Health.Status.FAILED, health.status(), "health says so");
      assertTrue(health.backgroundErrors() >= 1, health.toString());
      assertTrue(health.problems().getFirst().contains("background flush"), health.toString());
    }
    try (StorageEngine e = open(dir, o -> {})) {
      assertArrayEquals(b("1"), e.get(b("acknowledged")), "reopening recovers");
      e.put(b("k"), b("v"));
      e.flush();
      assertEquals(0L, e.statistics().details().get("fail-stopped"));
      assertEquals(Health.Status.OK, e.health().status());
    }
  }

  @Test
  void aForegroundFailureAlsoFailsLaterFlushes() throws RocksDBException {
    RocksDB.loadLibrary();
    Path dir = tmp.resolve("db");
    try (SstFileManager space = new SstFileManager(Env.getDefault());
        RocksDbEngine e = open(dir, o -> o.setSstFileManager(space))) {
      e.put(b("a"), b("1"));
      space.setMaxAllowedSpaceUsage(1);
      e.flushMemtableForTest();
      // whichever call sees the failure first, flush must not report success afterwards
      assertThrows(EngineFailedException.class, () -> e.put(b("k"), b("v")));
      assertThrows(EngineFailedException.class, e::flush);
    }
  }
}
