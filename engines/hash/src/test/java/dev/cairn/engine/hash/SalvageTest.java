package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.files;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salvage: a damaged store read past its damage, read-only, with every loss listed. */
class SalvageTest {

  @TempDir Path dir;

  private static final Map<String, String> SMALL = Map.of("file.size", "4k");
  private static final Map<String, String> SALVAGE =
      Map.of("file.size", "4k", "recovery", "salvage");

  private void fill() {
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        e.put(b("k" + i), b("value-" + i), Durability.BUFFERED);
      }
      e.runBackgroundCycle();
    }
  }

  @Test
  void aDamagedMiddleFileIsReadPastAndTheLossIsListed() throws IOException {
    fill();
    Path middle = files(dir, ".data").get(1);
    byte[] bytes = Files.readAllBytes(middle);
    int from = bytes.length / 3;
    Arrays.fill(bytes, from, from + 40, (byte) 0);
    Files.write(middle, bytes);
    byte[] damaged = bytes.clone();
    Files.delete(middle.resolveSibling(middle.getFileName().toString().replace(".data", ".hint")));
    assertThrows(CorruptionException.class, () -> open(dir, SMALL, true).close());
    int lost = 0;
    try (HashEngine e = open(dir, SALVAGE, true)) {
      for (int i = 0; i < 300; i++) {
        String v = s(e.get(b("k" + i)));
        if (v == null) {
          lost++;
        } else {
          assertEquals("value-" + i, v, "k" + i);
        }
      }
      int seen = 0;
      try (var c = e.cursor()) {
        while (c.next()) {
          assertEquals("value-" + s(c.key()).substring(1), s(c.value()));
          seen++;
        }
      }
      assertEquals(300 - lost, seen, "the cursor reads past the damage too");
      ConsistencyReport report = e.checkConsistency();
      assertFalse(report.isConsistent());
      String first = report.problems().getFirst();
      assertTrue(first.startsWith("salvage: " + middle), first);
      assertTrue(first.contains("lost"), first);
    }
    assertTrue(lost >= 1 && lost <= 3, "the zeroed 40 bytes hold one to three records: " + lost);
    assertTrue(Arrays.equals(damaged, Files.readAllBytes(middle)), "salvage changed nothing");
  }

  @Test
  void theLossNamesTheKeysTheHintListedThere() throws IOException {
    fill();
    Path middle = files(dir, ".data").get(1);
    byte[] bytes = Files.readAllBytes(middle);
    int from = bytes.length / 2;
    Arrays.fill(bytes, from, from + 8, (byte) 0x5A);
    Files.write(middle, bytes);
    try (HashEngine e = open(dir, SALVAGE, true)) {
      String first = e.checkConsistency().problems().getFirst();
      assertTrue(first.contains("its hint names 1 record there, of key 6b"), first);
      int missing = 0;
      for (int i = 0; i < 300; i++) {
        if (e.get(b("k" + i)) == null) {
          missing++;
          assertTrue(first.contains(dev.cairn.engine.toolkit.Bytes.hex(b("k" + i))), first);
        }
      }
      assertEquals(1, missing);
    }
  }

  @Test
  void salvageIsReadOnlyAndOnlyTakesKnownModes() {
    fill();
    assertThrows(InvalidArgumentException.class, () -> open(dir, SALVAGE, false).close());
    assertThrows(
        InvalidArgumentException.class,
        () -> open(dir, Map.of("recovery", "lenient"), true).close());
  }

  @Test
  void anUndamagedStoreSalvagesWhole() {
    fill();
    try (HashEngine e = open(dir, SALVAGE, true)) {
      for (int i = 0; i < 300; i++) {
        assertEquals("value-" + i, s(e.get(b("k" + i))));
      }
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
  }
}
