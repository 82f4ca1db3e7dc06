package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cairn salvage}: what verifies is copied, what does not is reported, nothing changes. */
class SalvageCommandTest {

  @TempDir Path tmp;

  private Path store(String engine) {
    Path dir = tmp.resolve("store");
    var builder = Cairn.store(dir).engine(engine).createIfMissing(true);
    if (engine.equals("hash")) {
      builder.setting("file.size", "4k");
    }
    try (StorageEngine s = builder.open()) {
      for (int i = 0; i < 300; i++) {
        s.put(b("key-" + i), b("value-" + i), Durability.BUFFERED);
      }
      s.flush();
    }
    return dir;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static CliRun salvage(String... args) {
    return CliRun.run(EngineRegistry.discover(), args);
  }

  @Test
  void aDamagedHashStoreIsCopiedWithoutItsDamageAndTheLossIsListed() throws IOException {
    Path dir = store("hash");
    Path middle;
    try (Stream<Path> s = Files.list(dir)) {
      middle = s.filter(p -> p.toString().endsWith(".data")).sorted().toList().get(1);
    }
    byte[] bytes = Files.readAllBytes(middle);
    Arrays.fill(bytes, bytes.length / 2, bytes.length / 2 + 30, (byte) 0);
    Files.write(middle, bytes);
    Files.deleteIfExists(
        middle.resolveSibling(middle.getFileName().toString().replace(".data", ".hint")));
    assertEquals(
        ExitCodes.STORAGE,
        CliRun.run(EngineRegistry.discover(), "check", "--dir", dir.toString()).exitCode());

    Path to = tmp.resolve("saved");
    CliRun r = salvage("salvage", "--dir", dir.toString(), "--to", to.toString());
    assertEquals(ExitCodes.NOT_FOUND, r.exitCode(), r.toString());
    assertTrue(r.out().contains("lost: " + middle), r.out());
    assertTrue(r.err().contains("salvage mode"), r.err());
    int lost = 0;
    try (StorageEngine s = Cairn.store(to).readOnly(true).open()) {
      for (int i = 0; i < 300; i++) {
        byte[] v = s.get(b("key-" + i));
        if (v == null) {
          lost++;
        } else {
          assertArrayEquals(b("value-" + i), v);
        }
      }
      assertTrue(s.checkConsistency().isConsistent());
    }
    assertTrue(lost >= 1 && lost <= 3, "lost " + lost);
    assertTrue(r.out().contains("copied " + (300 - lost) + " records"), r.out());
    assertArrayEquals(bytes, Files.readAllBytes(middle), "the damaged store was changed");
  }

  @Test
  void anUndamagedStoreIsCopiedWholeIntoAnotherEngine() {
    Path dir = store("hash");
    Path to = tmp.resolve("saved");
    CliRun r =
        salvage("salvage", "--dir", dir.toString(), "--to", to.toString(), "--engine", "rocksdb");
    assertEquals(ExitCodes.OK, r.exitCode(), r.toString());
    assertTrue(r.out().contains("copied 300 records"), r.out());
    try (StorageEngine s = Cairn.store(to).open()) {
      assertArrayEquals(b("value-7"), s.get(b("key-7")));
    }
  }

  @Test
  void anEngineWithoutASalvageModeIsReadAsItIs() {
    Path dir = store("rocksdb");
    Path to = tmp.resolve("saved");
    CliRun r = salvage("salvage", "--dir", dir.toString(), "--to", to.toString());
    assertEquals(ExitCodes.OK, r.exitCode(), r.toString());
    assertTrue(r.err().contains("read-only"), r.err());
    try (StorageEngine s = Cairn.store(to).open()) {
      assertArrayEquals(b("value-299"), s.get(b("key-299")));
      assertNull(s.get(b("key-300")));
    }
  }

  @Test
  void aTargetThatHoldsFilesIsRefusedBeforeAnythingIsRead() throws IOException {
    Path dir = store("hash");
    Path to = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(to.resolve("x"), "x");
    CliRun r = salvage("salvage", "--dir", dir.toString(), "--to", to.toString());
    assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
    assertTrue(r.err().contains("--to"), r.err());
    assertEquals(List.of(to.resolve("x")), listing(to));
  }

  private static List<Path> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.toList();
    }
  }
}
