package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.files;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.RecordFormat;
import dev.cairn.engine.toolkit.RecordReader;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage found at open that no crash leaves: reported as corruption naming the file and offset,
 * never cut away as a torn tail, never answered with an older value, and never deleted.
 */
class RecoveryDamageTest {

  @TempDir Path dir;

  private static final Map<String, String> SMALL = Map.of("file.size", "4k");

  /** Small files, merged only when the test runs a cycle: the newest file is then known. */
  private static final Map<String, String> SMALL_MERGED_ON_DEMAND =
      Map.of("file.size", "4k", "merge.interval", "1h");

  /** Every file of the directory with its size and a digest of its bytes. */
  private Map<String, String> listing() {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (Files.isRegularFile(p)) {
          out.put(
              p.getFileName().toString(),
              Files.size(p) + ":" + Arrays.hashCode(Files.readAllBytes(p)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Opening fails with corruption naming {@code file}, and leaves every file as it was. */
  private void assertCorruptionKeepsEvidence(Path file) {
    Map<String, String> before = listing();
    CorruptionException e =
        assertThrows(CorruptionException.class, () -> open(dir, SMALL).close(), "open");
    assertTrue(
        e.getMessage().contains(file.getFileName().toString()),
        "the message names " + file.getFileName() + ": " + e.getMessage());
    before.remove(DirectoryLockName.NAME);
    Map<String, String> after = listing();
    after.remove(DirectoryLockName.NAME);
    assertEquals(before, after, "recovery changed the files of a damaged store");
  }

  /** Keeps the name of the toolkit's lock file out of the listings compared. */
  private static final class DirectoryLockName {
    static final String NAME = "LOCK";
  }

  private static Path dataFileOf(Path hint) {
    return hint.resolveSibling(hint.getFileName().toString().replace(".hint", ".data"));
  }

  private static boolean isMergeOutput(Path data) {
    try (RecordReader r = RecordReader.open(data)) {
      RecordReader.Record first = r.next();
      return first != null && first.type() == DataRecord.MERGE_INFO;
    }
  }

  /** A store whose newest data file is a merge output; returns that output. */
  private Path storeEndingInAMergeOutput() {
    try (HashEngine e = open(dir, SMALL_MERGED_ON_DEMAND)) {
      // NB: a sealed file wakes the background thread, which could merge the early rounds while
      // the load goes on, leaving the last round's files newest: no merges until the load is in.
      e.merger().hold(true);
      e.runBackgroundCycle(); // any cycle begun before the hold has ended
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 200; i++) {
          e.put(b("k" + i), b("v" + round + "-" + i), Durability.BUFFERED);
        }
      }
      e.flush();
      e.merger().hold(false);
      e.runBackgroundCycle();
      e.runBackgroundCycle();
      assertTrue(e.statistics().details().get("merge.count") > 0, "no merge ran");
    }
    Path newest = files(dir, ".data").getLast();
    assertTrue(
        isMergeOutput(newest),
        "the newest file should be a merge output: "
            + newest
            + "; files: "
            + files(dir, ".data").stream()
                .map(p -> p.getFileName() + (isMergeOutput(p) ? " (merge output)" : ""))
                .toList());
    return newest;
  }

  private static void expectValues(HashEngine e, String prefix) {
    for (int i = 0; i < 200; i++) {
      assertEquals(prefix + i, s(e.get(b("k" + i))), "k" + i);
    }
  }

  @Test
  void aMergeOutputCutInsideItsFirstRecordIsCorruptionNotATornTail() throws IOException {
    Path output = storeEndingInAMergeOutput();
    try (FileChannel ch = FileChannel.open(output, StandardOpenOption.WRITE)) {
      ch.truncate(RecordFormat.FILE_HEADER_SIZE + 5);
    }
    assertCorruptionKeepsEvidence(output);
  }

  @Test
  void aMergeOutputWithADamagedFirstRecordIsCorruption() throws IOException {
    Path output = storeEndingInAMergeOutput();
    byte[] bytes = Files.readAllBytes(output);
    bytes[RecordFormat.FILE_HEADER_SIZE + RecordFormat.RECORD_HEADER_SIZE] ^= 0x10;
    Files.write(output, bytes);
    assertCorruptionKeepsEvidence(output);
  }

  @Test
  void aMergeOutputWithADamagedHeaderIsCorruption() throws IOException {
    Path output = storeEndingInAMergeOutput();
    byte[] bytes = Files.readAllBytes(output);
    bytes[3] ^= 0x01;
    Files.write(output, bytes);
    assertCorruptionKeepsEvidence(output);
  }

  @Test
  void aSealedFileShorterThanItsHintSaysIsCorruptionNotATornTail() throws IOException {
    long before;
    long after;
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("k"), b("old"), Durability.SYNC);
      e.put(b("other"), b("x"), Durability.SYNC);
      before = e.state().active().size();
      e.put(b("k"), b("new"), Durability.SYNC);
      after = e.state().active().size();
    }
    Path newest = files(dir, ".data").getLast();
    assertEquals(after, Files.size(newest));
    assertTrue(
        Files.exists(dir.resolve(newest.getFileName().toString().replace(".data", ".hint"))));
    // Cut exactly at a record boundary: a scan alone would find a clean end, and "old".
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(before);
    }
    assertCorruptionKeepsEvidence(newest);
  }

  @Test
  void aSealedFileLongerThanItsHintSaysIsCorruption() throws IOException {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("k"), b("v"), Durability.SYNC);
    }
    Path newest = files(dir, ".data").getLast();
    byte[] bytes = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(bytes, bytes.length + 100));
    assertCorruptionKeepsEvidence(newest);
  }

  @Test
  void aHintWhoseDataFileIsMissingIsCorruption() throws IOException {
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        e.put(b("k" + i), b("v" + i), Durability.BUFFERED);
      }
    }
    // NB: which files have hints depends on when the background thread ran; any hinted one does.
    Path hint =
        files(dir, ".hint").stream()
            .filter(h -> Files.exists(dataFileOf(h)))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no data file with a hint in " + dir));
    Files.delete(dataFileOf(hint));
    assertCorruptionKeepsEvidence(hint);
  }

  @Test
  void damageInASealedFileWithAHintOpensAndItsReadsThrowAndTheCheckReportsIt() throws IOException {
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        e.put(b("k" + i), b("value-" + i), Durability.BUFFERED);
      }
      e.runBackgroundCycle(); // every sealed file has its hint
    }
    Path first = files(dir, ".data").getFirst();
    byte[] bytes = Files.readAllBytes(first);
    // Not the first record: a damaged first record might be a merge output's list of the files it
    // replaced, which no open can do without (aMergeOutputWithADamagedFirstRecordIsCorruption).
    bytes[bytes.length / 2] ^= 0x04;
    Files.write(first, bytes);
    try (HashEngine e = open(dir, SMALL)) {
      int threw = 0;
      for (int i = 0; i < 300; i++) {
        try {
          assertEquals("value-" + i, s(e.get(b("k" + i))), "k" + i);
        } catch (CorruptionException expected) {
          threw++;
          assertTrue(expected.getMessage().contains(first.getFileName().toString()));
        }
      }
      assertEquals(1, threw, "exactly the damaged record's key throws");
      ConsistencyReport report = e.checkConsistency();
      assertFalse(report.isConsistent(), "the check must report the damage");
      assertTrue(
          report.problems().toString().contains(first.getFileName().toString()),
          report.problems()::toString);
    }
    assertArrayEquals(bytes, Files.readAllBytes(first));
  }

  private static void assertArrayEquals(byte[] want, byte[] got) {
    assertTrue(Arrays.equals(want, got), "the damaged file was changed");
  }

  @Test
  void aTornBatchCutFromAMappedNewestFileLeavesBackgroundWorkAlive() throws IOException {
    byte[] big = new byte[16 * 1024];
    Arrays.fill(big, (byte) 'x');
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("k"), b("v1"), Durability.SYNC);
      e.put(b("k"), b("v2"), Durability.SYNC); // its recovery reads v1's record: a mapped read
      e.write(
          new WriteBatch().put(b("b1"), big).put(b("b2"), big).put(b("b3"), big), Durability.SYNC);
    }
    Path newest = files(dir, ".data").getLast();
    Files.delete(newest.resolveSibling(newest.getFileName().toString().replace(".data", ".hint")));
    long size = Files.size(newest);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(size - 100); // inside the batch's last record: the whole batch goes
    }
    try (HashEngine e = open(dir, Map.of("merge.threshold", "1"))) {
      assertEquals("v2", s(e.get(b("k"))));
      assertNull(e.get(b("b1")));
      e.runBackgroundCycle();
      e.runBackgroundCycle();
      Map<String, Long> st = e.statistics().details();
      assertEquals(0L, st.get("background.errors"), st::toString);
      assertEquals(0L, st.get("failed"), st::toString);
      assertTrue(
          Files.exists(
              newest.resolveSibling(newest.getFileName().toString().replace(".data", ".hint"))),
          "background work wrote the cut file's hint");
      e.put(b("after"), b("ok"), Durability.SYNC);
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
  }

  @Test
  void aTornNewestFileWithoutAHintIsStillCutAsACrashLeavesIt() throws IOException {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("a"), b("1"), Durability.SYNC);
      e.put(b("b"), b("2"), Durability.BUFFERED);
    }
    Path newest = files(dir, ".data").getLast();
    Files.delete(newest.resolveSibling(newest.getFileName().toString().replace(".data", ".hint")));
    long size = Files.size(newest);
    try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
      ch.truncate(size - 2);
    }
    try (HashEngine e = open(dir, Map.of())) {
      assertEquals("1", s(e.get(b("a"))));
      assertNull(e.get(b("b")));
    }
  }
}
