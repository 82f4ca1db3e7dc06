package dev.cairn.runtime.migrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress file reads back what was written, and refuses, by name, every damaged, cut or newer
 * file: a flipped byte anywhere, any truncation, a newer version. The flip test prints its seed;
 * {@code -Dcairn.fuzz.seed=N} replays it.
 */
class ProgressFileTest {

  @TempDir Path tmp;

  private static ProgressFile sample() {
    return new ProgressFile(
        ProgressFile.State.COPYING,
        ProgressFile.Mode.ONLINE,
        "hash",
        "lsm",
        2,
        "users",
        "key-00042".getBytes(StandardCharsets.UTF_8),
        12_345,
        6_789_012,
        1_700_000_000_000L,
        1_700_000_100_000L);
  }

  @Test
  void aRecordReadsBackAsWritten() {
    Path file = tmp.resolve(ProgressFile.FILE_NAME);
    assertNull(ProgressFile.read(file), "no file: no record");
    ProgressFile p = sample();
    p.writeTo(file);
    ProgressFile q = ProgressFile.read(file);
    assertEquals(p.state(), q.state());
    assertEquals(p.mode(), q.mode());
    assertEquals("hash", q.sourceEngine());
    assertEquals("lsm", q.targetEngine());
    assertEquals(2, q.keyspaceIndex());
    assertEquals("users", q.keyspace());
    assertArrayEquals(p.resumeKey(), q.resumeKey());
    assertEquals(12_345, q.entries());
    assertEquals(6_789_012, q.bytes());
    assertEquals(1_700_000_000_000L, q.started());
    assertEquals(1_700_000_100_000L, q.updated());
    ProgressFile done = p.with(ProgressFile.State.COMPLETE, 3, "", null, 1, 2, 3);
    done.writeTo(file);
    assertNull(ProgressFile.read(file).resumeKey());
    assertEquals(ProgressFile.State.COMPLETE, ProgressFile.read(file).state());
    assertTrue(OfflineMigration.isComplete(file));
  }

  @Test
  void theSmallestRecordIsTheDocumentedSize() {
    ProgressFile p =
        new ProgressFile(
            ProgressFile.State.COPYING, ProgressFile.Mode.OFFLINE, "", "", 0, "", null, 0, 0, 0, 0);
    assertEquals(ProgressFile.MIN_SIZE, p.encode().length);
    assertEquals(58, ProgressFile.MIN_SIZE, "docs/formats/migration-progress.md says 58 bytes");
  }

  @Test
  void everyFlippedByteAndEveryCutIsRefusedByName() {
    byte[] good = sample().encode();
    long seed = Long.getLong("cairn.fuzz.seed", System.nanoTime());
    System.out.println("ProgressFileTest seed " + seed);
    Random r = new Random(seed);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) (1 << r.nextInt(8));
      StorageException e =
          assertThrows(
              StorageException.class,
              () -> ProgressFile.decode(bad, "CAIRN-MIGRATION"),
              "byte " + i);
      assertTrue(
          e instanceof CorruptionException || e instanceof IncompatibleVersionException,
          e.toString());
      assertTrue(e.getMessage().startsWith("CAIRN-MIGRATION: "), e.getMessage());
    }
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThrows(
          CorruptionException.class, () -> ProgressFile.decode(cut, "CAIRN-MIGRATION"), "cut " + n);
    }
  }

  @Test
  void aNewerVersionIsRefusedNamingBothVersions() {
    byte[] b = sample().encode();
    b[ProgressFile.MAGIC.length] = 2;
    IncompatibleVersionException e =
        assertThrows(IncompatibleVersionException.class, () -> ProgressFile.decode(b, "f"));
    assertTrue(e.getMessage().contains("version 2; this Cairn reads version 1"), e.getMessage());
  }

  @Test
  void anOversizedFileIsRefusedBeforeItIsRead() throws Exception {
    Path file = tmp.resolve(ProgressFile.FILE_NAME);
    Files.write(file, new byte[ProgressFile.MAX_SIZE + 1]);
    CorruptionException e = assertThrows(CorruptionException.class, () -> ProgressFile.read(file));
    assertTrue(e.getMessage().contains("at most"), e.getMessage());
  }
}
