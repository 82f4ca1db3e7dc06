package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn check} on a damaged hash store: the damage is reported, never passed over. */
class HashCheckCommandTest {

  @TempDir Path tmp;

  private Path store() {
    Path dir = tmp.resolve("store");
    try (StorageEngine s =
        Cairn.store(dir).engine("hash").setting("file.size", "4k").createIfMissing(true).open()) {
      for (int i = 0; i < 300; i++) {
        s.put(b("key-" + i), b("value-" + i), Durability.BUFFERED);
      }
    }
    return dir;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Path> dataFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".data")).sorted().toList();
    }
  }

  /** Keys and the checker's items are different counts, and the output keeps them apart. */
  @Test
  void aHealthyStoreReportsKeysApartFromItemsChecked() {
    Path dir = tmp.resolve("small");
    try (StorageEngine s = Cairn.store(dir).engine("hash").createIfMissing(true).open()) {
      s.put(b("a"), b("1"), Durability.SYNC);
      s.put(b("b"), b("2"), Durability.SYNC);
      s.put(b("c"), b("3"), Durability.SYNC);
      s.put(b("a"), b("4"), Durability.SYNC);
      s.delete(b("b"), Durability.SYNC);
    }
    CliRun r = CliRun.run(EngineRegistry.discover(), "check", "--dir", dir.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.describe());
    assertTrue(r.out().startsWith("ok: " + dir + " is consistent: 2 keys; "), r.out());
    assertTrue(r.out().contains("the engine's check examined "), r.out());
  }

  @Test
  void aSealedFileCutShortFailsTheCheckNamingTheFile() throws IOException {
    Path dir = store();
    Path first = dataFiles(dir).getFirst();
    try (FileChannel ch = FileChannel.open(first, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 50);
    }
    CliRun r = CliRun.run(EngineRegistry.discover(), "check", "--dir", dir.toString());
    assertEquals(ExitCodes.STORAGE, r.exitCode(), r.toString());
    assertTrue(r.err().contains(first.getFileName().toString()), r.err());
    assertTrue(r.err().contains("corrupt"), r.err());
  }

  @Test
  void aDamagedRecordInAFileThatOpensIsListedAsAProblem() throws IOException {
    Path dir = store();
    Path first = dataFiles(dir).getFirst();
    byte[] bytes = Files.readAllBytes(first);
    bytes[bytes.length / 2] ^= 0x08;
    Files.write(first, bytes);
    CliRun r = CliRun.run(EngineRegistry.discover(), "check", "--dir", dir.toString());
    assertTrue(r.exitCode() != ExitCodes.OK, r.toString());
    assertTrue(
        (r.out() + r.err()).contains(first.getFileName().toString()), r.out() + "\n" + r.err());
  }
}
