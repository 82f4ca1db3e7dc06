package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cairn.spi.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Separators too long for a node live in overflow chains of their own (decision 0018): a merge or a
 * redistribution that drops one frees its chain, so no page is left neither reachable nor free.
 */
class LongSeparatorMergeTest {

  @TempDir Path dir;

  /** 600 bytes (past the inline limit of 508 at 4 KiB pages), differing in their last eight. */
  private static byte[] key(int i) {
    byte[] k = new byte[600];
    Arrays.fill(k, (byte) 'p');
    byte[] tail = String.format("%08d", i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tail, 0, k, k.length - tail.length, tail.length);
    return k;
  }

  @Test
  void leavesUnderLongSeparatorsShareAndMergeWithoutLeakingPages() {
    int n = 3000;
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < n; i++) {
        e.put(key((i * 7919) % n), new byte[200], Durability.BUFFERED); // random order: shares
      }
      e.flush();
      assertConsistent(e);
      for (int i = 0; i < n; i++) {
        if (i % 50 != 0) {
          e.delete(key(i), Durability.BUFFERED); // leaves merge, their separators go
        }
      }
      e.flush();
      assertConsistent(e);
      assertArrayEquals(new byte[200], e.get(key(50)));
      assertNull(e.get(key(51)));
    }
  }
}
