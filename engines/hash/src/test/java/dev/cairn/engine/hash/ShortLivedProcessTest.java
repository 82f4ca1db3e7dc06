package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.files;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store opened for one write at a time (as the CLI does) keeps a bounded number of files. */
class ShortLivedProcessTest {

  @TempDir Path dir;

  @Test
  void oneWritePerOpenDoesNotPileUpFiles() {
    int most = 0;
    for (int i = 0; i < 40; i++) {
      try (HashEngine e = open(dir, Map.of())) {
        e.put(b("k" + i), b("v" + i));
      }
      int n = files(dir, ".data").size() + files(dir, ".hint").size();
      most = Math.max(most, n);
    }
    int bound = 2 * (Merger.SMALL_FILES_DUE + 2);
    assertTrue(most <= bound, "up to " + most + " data and hint files, more than " + bound);
    try (HashEngine e = open(dir, Map.of())) {
      for (int i = 0; i < 40; i++) {
        assertEquals("v" + i, s(e.get(b("k" + i))), "k" + i);
      }
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
      assertTrue(e.statistics().details().get("merge.count") >= 0);
    }
  }
}
