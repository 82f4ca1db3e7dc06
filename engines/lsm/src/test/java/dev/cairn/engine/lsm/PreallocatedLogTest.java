package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static dev.cairn.engine.lsm.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log is kept zero-filled ahead of its end (so that forcing a write does not also
 * force a new file size), and only the newest log may end in zeros: a roll and a clean close cut
 * them off first, since recovery reads zeros in an older log as damage.
 */
class PreallocatedLogTest {

  @TempDir Path temp;

  private static final Map<String, String> ONE_MEG = Map.of("memtable.size", "1m");

  @Test
  void anOpenLogHoldsZerosAheadOfItsEndAndACleanCloseCutsThemOff() throws Exception {
    Path dir = temp.resolve("store");
    try (LsmEngine e = TestStores.open(dir, ONE_MEG)) {
      for (int i = 0; i < 10; i++) {
        e.put(b("key-" + i), b("value-" + i), Durability.SYNC);
      }
      Path log = newest(dir);
      WalEnd end = readToEnd(log);
      long ahead = Files.size(log) - end.offset;
      int chunk = WalFile.preallocation(1 << 20);
      assertTrue(
          ahead > chunk - 4096 && ahead <= chunk,
          "zeros are written a quarter of the memtable's size ahead of the first record, and the"
              + " next records (a few hundred bytes) use them up: "
              + ahead
              + " bytes ahead");
      assertEquals(WalReader.Stop.BAD, end.stop, "the records end at zeros: " + end.detail);
    }
    Path log = newest(dir);
    WalEnd end = readToEnd(log);
    assertEquals(WalReader.Stop.END, end.stop, "a cleanly closed log ends at its close record");
    assertEquals(Files.size(log), end.offset);
  }

  @Test
  void aRolledLogEndsAtItsLastRecordAndOnlyTheNewestHoldsZeros() throws Exception {
    Path dir = temp.resolve("store");
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      e.pauseBackground(true); // keeps the rolled logs: no flush may delete them
      try {
        for (int i = 0; i < 40; i++) {
          e.put(b("key-" + i), new byte[700]);
        }
        List<Path> logs = TestStores.files(dir, ".wal");
        assertTrue(logs.size() >= 3, "the 8 KiB memtable rolled: " + logs);
        for (Path log : logs.subList(0, logs.size() - 1)) {
          WalEnd end = readToEnd(log);
          assertEquals(WalReader.Stop.END, end.stop, log + ": " + end.detail);
          assertEquals(Files.size(log), end.offset, log + " was cut to its last record");
        }
        Path newest = logs.getLast();
        assertTrue(
            Files.size(newest) > readToEnd(newest).offset, "the newest log holds zeros ahead");
      } finally {
        e.pauseBackground(false);
      }
    }
  }

  @Test
  void aCrashLeavesZerosAfterTheLastRecordAndLosesNoWrite() throws Exception {
    Path dir = temp.resolve("store");
    Path crashed = temp.resolve("crashed");
    try (LsmEngine e = TestStores.open(dir, ONE_MEG)) {
      for (int i = 0; i < 200; i++) {
        e.put(b("key-" + i), b("value-" + i), Durability.SYNC);
      }
      // The files as a process crash leaves them: everything written, nothing cut or closed.
      Files.createDirectories(crashed);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          if (!f.getFileName().toString().equals("LOCK")) {
            Files.copy(f, crashed.resolve(f.getFileName()));
          }
        }
      }
    }
    assertTrue(
        Files.size(newest(crashed)) > readToEnd(newest(crashed)).offset,
        "the crashed store's log ends in zeros");
    try (LsmEngine e = TestStores.open(crashed, ONE_MEG)) {
      for (int i = 0; i < 200; i++) {
        assertEquals("value-" + i, s(e.get(b("key-" + i))), "key-" + i);
      }
      e.checkConsistency();
    }
  }

  @Test
  void aFailedCutRefusesTheRollAndStartsNoLog() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = Files.createDirectories(fs.root().resolve("store"));
      FailStop failStop = new FailStop(dir);
      WalSyncer syncer = TestStores.syncer(dir, failStop, "cut-test-sync");
      WalFile log = syncer.start(1);
      try {
        String name = log.path().getFileName().toString();
        log.write(ByteBuffer.wrap(new byte[100]));
        assertTrue(log.reserved() > log.position(), "zeros ahead of the record");
        fs.faults().failNth(Faults.Op.TRUNCATE, 1, p -> p.getFileName().toString().equals(name));
        StorageIOException ex = assertThrows(StorageIOException.class, () -> syncer.roll(2));
        assertTrue(ex.getMessage().contains("preallocated zeros"), ex.getMessage());
        assertEquals(1, fs.faults().injected());
        assertFalse(Files.exists(FileNames.wal(dir, 2)), "no newer log after a failed cut");
      } finally {
        log.close();
        syncer.close();
      }
    }
  }

  private record WalEnd(WalReader.Stop stop, long offset, String detail) {}

  private static WalEnd readToEnd(Path log) {
    try (WalReader r = WalReader.open(log)) {
      while (r.next() != null) {
        // read every record
      }
      return new WalEnd(r.stop(), r.stopOffset(), r.stopDetail());
    }
  }

  private static Path newest(Path dir) throws IOException {
    List<Path> logs = TestStores.files(dir, ".wal");
    assertFalse(logs.isEmpty(), "no log in " + dir);
    return logs.getLast();
  }
}
