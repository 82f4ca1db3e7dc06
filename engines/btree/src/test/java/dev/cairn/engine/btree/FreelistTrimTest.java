package dev.cairn.engine.btree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Giving the file's top pages back changes the persisted list. Its encoding is kept until the list
 * changes; a trim that did not count as a change let a compaction's meta list the pages it had just
 * cut off ("the freelist lists pages [98, +1) ... out of [2, 98)"), which an open then refuses as
 * corruption, and which a writer could take twice.
 */
class FreelistTrimTest {

  @Test
  void aTrimmedListIsEncodedWithoutThePagesItGaveBack() {
    Freelist f = Freelist.of(new long[] {3, 5, 6, 7});
    long[] before = Freelist.decode(f.encode(), 8, "before");
    assertArrayEquals(new long[] {3, 5, 6, 7}, before);

    long highWater = f.trimTop(8);

    assertEquals(5, highWater, "pages 5, 6 and 7 were free at the top");
    assertArrayEquals(
        new long[] {3}, Freelist.decode(f.encode(), highWater, "after"), "only page 3 is listed");
  }

  @Test
  void aTrimThatGivesNothingBackKeepsTheList() {
    Freelist f = Freelist.of(new long[] {3, 5});
    f.free(9, 7); // pending: never given up
    assertEquals(8, f.trimTop(8));
    assertArrayEquals(new long[] {3, 5, 7}, Freelist.decode(f.encode(), 8, "kept"));
  }
}
