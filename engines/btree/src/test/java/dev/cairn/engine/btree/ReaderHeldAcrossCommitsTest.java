package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static dev.cairn.engine.btree.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Snapshot;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot held across 1,000 commits keeps its view, and the file's growth stays within the
 * documented bound ({@code docs/engines/btree.md}, "Long readers pin garbage, with a bound"): at
 * most the pages the commits made while it was held wrote; once it closes, the pinned pages are
 * reused and the same commits again grow the file by almost nothing.
 */
class ReaderHeldAcrossCommitsTest {

  @TempDir Path dir;

  private static final int KEYS = 500;
  private static final int COMMITS = 1000;

  private static byte[] key(int i) {
    return b(String.format("key%05d", i));
  }

  private static byte[] value(int round, int i) {
    return b(String.format("round %d value %d ........................................", round, i));
  }

  private static long stat(BtreeEngine e, String name) {
    return e.statistics().details().get(name);
  }

  /** One round of {@link #COMMITS} single-key commits, durable every hundredth. */
  private static void commits(BtreeEngine e, int round) {
    for (int c = 0; c < COMMITS; c++) {
      e.put(key(c % KEYS), value(round, c), c % 100 == 99 ? Durability.SYNC : Durability.BUFFERED);
    }
  }

  @Test
  void aHeldSnapshotKeepsItsViewAndPinsBoundedGarbage() {
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < KEYS; i++) {
        e.put(key(i), value(0, i), Durability.BUFFERED);
      }
      e.flush();
      commits(e, 1); // the file reaches its steady size for this workload
      long steady = stat(e, "pages");

      Snapshot s = e.snapshot();
      byte[][] seen = new byte[KEYS][];
      for (int i = 0; i < KEYS; i++) {
        seen[i] = s.get(key(i));
      }
      long written = stat(e, "pages.written");
      commits(e, 2);
      long writtenWhileHeld = stat(e, "pages.written") - written;
      long held = stat(e, "pages");
      assertTrue(stat(e, "pages.pinned") > 0, "the snapshot pins the pages the commits freed");
      assertEquals(1L, stat(e, "readers.states.pinned"));

      for (int i = 0; i < KEYS; i++) {
        assertArrayEquals(seen[i], s.get(key(i)), "the snapshot's view of key " + i);
      }
      try (Cursor c = s.cursor()) {
        for (int i = 0; i < KEYS; i++) {
          assertTrue(c.next());
          assertArrayEquals(key(i), c.key());
          assertArrayEquals(seen[i], c.value());
        }
        assertFalse(c.next());
      }
      assertTrue(
          held - steady <= writtenWhileHeld,
          "growth " + (held - steady) + " pages beyond the " + writtenWhileHeld + " written");
      assertTrue(held > steady, "the held snapshot made the file grow (" + steady + ")");
      s.close();

      commits(e, 3);
      commits(e, 4);
      long after = stat(e, "pages");
      assertTrue(
          after - held <= 16,
          "after the snapshot closed the file grew from " + held + " to " + after + " pages");
      assertEquals(0L, stat(e, "readers.states.pinned"));
      assertConsistent(e);
      Map<String, Long> d = e.statistics().details();
      System.out.println(
          "reader held across "
              + COMMITS
              + " commits: steady "
              + steady
              + " pages, held "
              + held
              + " (+"
              + (held - steady)
              + ", "
              + writtenWhileHeld
              + " written), after "
              + after
              + "; "
              + d);
    }
  }
}
