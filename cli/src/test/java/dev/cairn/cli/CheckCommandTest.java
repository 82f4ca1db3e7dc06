package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.spi.StorageEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

  @TempDir Path tmp;

  private Path store() {
    Path dir = tmp.resolve("store");
    for (String k : new String[] {"a", "b", "c"}) {
      CliRun r = CliRun.run("put", "--dir", dir.toString(), "--engine", "testfile", k, "v");
      assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    }
    return dir;
  }

  @Test
  void aHealthyStorePasses() {
    Path dir = store();
    CliRun r = CliRun.run("check", "--dir", dir.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertEquals(
        "ok: "
            + dir
            + " is consistent: 3 keys; the engine's check examined 3 items (records, pages,"
            + " files or index entries, as the engine counts them)",
        r.out().strip());
  }

  @Test
  void eachProblemIsPrintedAndTheExitCodeIsOne() throws Exception {
    Path dir = store();
    Files.writeString(
        dir.resolve(FileTestEngine.FILE), "61 76\nnot hex\n", StandardOpenOption.APPEND);
    CliRun r = CliRun.run("check", "--dir", dir.toString());
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.describe());
    assertEquals(
        "problem: entries.txt line 4: key out of order\nproblem: entries.txt line 5: malformed\n",
        r.out().replace(System.lineSeparator(), "\n"));
    assertTrue(r.err().contains("2 problems"), r.err());
    assertTrue(r.err().contains("the engine's check examined 5 items"), r.err());
  }

  @Test
  void anEmptyDirectoryIsNotAStore() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertNotAStore(CliRun.run("check", "--dir", empty.toString()));
    assertEquals(List.of(), listing(empty), "check created nothing");
  }

  @Test
  void aDirectoryOfOtherFilesIsNotAStore() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "hello");
    assertNotAStore(CliRun.run("check", "--dir", other.toString()));
    assertEquals(List.of("notes.txt"), listing(other), "check created nothing");
  }

  private static void assertNotAStore(CliRun r) {
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("holds no store"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace\n" + r.err());
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aMissingDirectoryIsAUsageError() {
    CliRun r = CliRun.run("check", "--dir", tmp.resolve("nowhere").toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("does not exist"), r.err());
  }

  /**
   * The installed hash engine's checker, through the command: a damaged record of a sealed data
   * file is reported with the file's name (the engine's own fuzzing test, CorruptionFuzzTest,
   * damages every kind of file and opens the stores the way this command does).
   */
  @Test
  void aDamagedRecordInAHashStoreIsReportedWithItsFile() throws Exception {
    Path dir = tmp.resolve("hash");
    try (StorageEngine e =
        Cairn.store(dir).engine("hash").setting("file.size", "4k").createIfMissing(true).open()) {
      for (int i = 0; i < 300; i++) {
        e.put(
            ("k" + i).getBytes(StandardCharsets.UTF_8), ("v" + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    List<String> data = listing(dir).stream().filter(n -> n.endsWith(".data")).toList();
    assertTrue(data.size() > 1, "several data files: " + data);
    Path first = dir.resolve(data.get(0)); // sealed: the newest file is the last
    byte[] bytes = Files.readAllBytes(first);
    bytes[16 + 12] ^= 0x10; // inside the first record, after the 16-byte file header
    Files.write(first, bytes);

    CliRun r = CliRun.run(new CairnCommand(), "check", "--dir", dir.toString());
    // NB: a damaged first record is corruption at open (it might list the files a merge
    // replaced), so the store is refused whole (exit 3); either way the file is named.
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.describe());
    assertTrue(r.err().contains("corrupt store") && r.err().contains(data.get(0)), r.describe());
  }
}
