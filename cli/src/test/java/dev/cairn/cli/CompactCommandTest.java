package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn compact DIR} on a B+tree store: the files shrink, the contents stay. */
class CompactCommandTest {

  @TempDir Path tmp;

  private static byte[] key(int i) {
    return String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** A B+tree store of 4,000 keys of which all but every tenth were deleted. */
  private Path mostlyFreeStore() {
    Path dir = tmp.resolve("store");
    try (StorageEngine s = Cairn.store(dir).engine("btree").open()) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < 4000; i++) {
        batch.put(key(i), new byte[300]);
      }
      s.write(batch, Durability.SYNC);
      WriteBatch deletes = new WriteBatch();
      for (int i = 0; i < 4000; i++) {
        if (i % 10 != 0) {
          deletes.delete(key(i));
        }
      }
      s.write(deletes, Durability.SYNC);
    }
    return dir;
  }

  @Test
  void aMostlyFreeStoreShrinksAndKeepsItsContents() throws Exception {
    Path dir = mostlyFreeStore();
    long before = CompactCommand.size(dir);

    CliRun r = CliRun.run(new CairnCommand(), "compact", dir.toString());

    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    System.out.print(r.out());
    long after = CompactCommand.size(dir);
    assertTrue(after < before / 3, after + " of " + before + " bytes\n" + r.describe());
    Matcher m =
        Pattern.compile(
                "compacted .* \\(btree\\): ([\\d,]+) bytes -> ([\\d,]+) bytes \\(the engine"
                    + " released ([\\d,]+) bytes\\) in \\d+\\.\\d\\d s")
            .matcher(r.out().strip());
    assertTrue(m.matches(), r.out());
    assertEquals(before, Long.parseLong(m.group(1).replace(",", "")));
    assertEquals(after, Long.parseLong(m.group(2).replace(",", "")));
    long released = Long.parseLong(m.group(3).replace(",", ""));
    // The data file's shrinking; the directory also holds the store's small lock and marker files.
    assertTrue(Math.abs(before - after - released) < 100, r.out());
    try (StorageEngine s = Cairn.store(dir).open()) {
      for (int i = 0; i < 4000; i++) {
        if (i % 10 == 0) {
          assertArrayEquals(new byte[300], s.get(key(i)), "key " + i);
        } else {
          assertNull(s.get(key(i)), "key " + i);
        }
      }
      assertTrue(s.checkConsistency().isConsistent());
    }

    CliRun again = CliRun.run(new CairnCommand(), "compact", dir.toString());
    assertEquals(ExitCodes.OK, again.exitCode(), again.describe());
    assertTrue(again.out().contains("nothing to give back"), again.out());
  }

  @Test
  void aStoreAnotherHandleHoldsIsRefusedSayingWhy() {
    Path dir = mostlyFreeStore();
    try (StorageEngine held = Cairn.store(dir).open()) {
      CliRun r = CliRun.run(new CairnCommand(), "compact", dir.toString());

      assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
      assertTrue(r.err().contains("store locked"), r.err());
      assertTrue(r.err().contains("needs the store to itself"), r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace\n" + r.err());
      assertArrayEquals(new byte[300], held.get(key(0)));
    }
  }

  @Test
  void aMissingDirectoryOrOneWithoutAStoreIsAUsageError() throws Exception {
    CliRun missing = CliRun.run(new CairnCommand(), "compact", tmp.resolve("nothing").toString());
    assertEquals(ExitCodes.USAGE, missing.exitCode(), missing.describe());
    assertTrue(missing.err().contains("no such directory"), missing.err());

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    CliRun none = CliRun.run(new CairnCommand(), "compact", empty.toString());
    assertEquals(ExitCodes.USAGE, none.exitCode(), none.describe());
    assertTrue(none.err().contains("holds no store"), none.err());
    assertFalse(Files.list(empty).findAny().isPresent(), "compact created nothing");
  }
}
