package dev.cairn.engine.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.Faults;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineFailedException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed force of the log must stop every later force and roll: after a write-back error Linux
 * drops the unforced bytes while a later force succeeds, so a roll that went on would start a new
 * log whose writes outlive the lost ones of the old (a hole in the history, found once by the
 * injection campaign: a failed {@code SYNC} put survived a power cut that lost an earlier {@code
 * BUFFERED} one). And recovery refuses such a hole if one is ever on disk.
 */
class RollAfterFailedForceTest {

  @TempDir Path temp;

  @Test
  void aRollAfterAFailedBackgroundForceIsRefusedAndStartsNoLog() throws Exception {
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = Files.createDirectories(fs.root().resolve("store"));
      FailStop failStop = new FailStop(dir);
      WalSyncer syncer = TestStores.syncer(dir, failStop, "roll-test-sync");
      WalFile log = syncer.start(1);
      try {
        String name = log.path().getFileName().toString();
        fs.faults().failNth(Faults.Op.FORCE, 1, p -> p.getFileName().toString().equals(name));
        log.write(ByteBuffer.wrap(new byte[8192]));
        syncer.ticket(List.of()); // the force as the log grows, nobody waiting
        for (int i = 0; i < 1_000 && !failStop.failed(); i++) {
          Thread.sleep(5);
        }
        assertTrue(failStop.failed(), "the injected force failure stops the store");
        assertEquals(1, fs.faults().injected());

        assertThrows(EngineFailedException.class, () -> syncer.roll(2));
        assertFalse(Files.exists(FileNames.wal(dir, 2)), "no new log after a failed force");
        assertThrows(EngineFailedException.class, syncer::forceNow);
      } finally {
        log.close();
        syncer.close();
      }
    }
  }

  @Test
  void recoveryRefusesALogWhoseSequenceSkipsAhead() throws Exception {
    Path dir = temp.resolve("store");
    try (LsmEngine e = TestStores.open(dir, Map.of())) {
      e.put(TestStores.b("a"), TestStores.b("1"));
    }
    // A later log, as if written after writes 2..9 that an older log lost: sequence 10 follows 1.
    long number;
    try (var files = Files.list(dir)) {
      number =
          files
                  .map(p -> FileNames.parse(p.getFileName().toString()))
                  .filter(
                      f ->
                          f.kind() == FileNames.Kind.WAL
                              || f.kind() == FileNames.Kind.TABLE
                              || f.kind() == FileNames.Kind.MANIFEST)
                  .mapToLong(FileNames.Parsed::number)
                  .max()
                  .orElseThrow()
              + 100;
    }
    writeLog(FileNames.wal(dir, number), number, 10);
    CorruptionException ex =
        assertThrows(CorruptionException.class, () -> TestStores.open(dir, Map.of()).close());
    assertTrue(ex.getMessage().contains("sequence 10"), ex.getMessage());
    assertTrue(Files.exists(FileNames.wal(dir, number)), "the evidence stays");
  }

  private static void writeLog(Path path, long number, long firstSequence) throws Exception {
    byte[] body = BatchCodec.encode(List.of(Mutation.put(TestStores.b("z"), TestStores.b("9"))));
    ByteBuffer head = ByteBuffer.allocate(WalRecord.BATCH_HEAD_SIZE);
    WalRecord.batchHead(head, 0, firstSequence, 1);
    head.flip();
    ByteBuffer b = ByteBuffer.allocate(1 << 16);
    WalFormat.frame(b, 0, WalRecord.fileHeader(number));
    WalFormat.frame(b, b.position(), head, ByteBuffer.wrap(body));
    b.flip();
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }
}
