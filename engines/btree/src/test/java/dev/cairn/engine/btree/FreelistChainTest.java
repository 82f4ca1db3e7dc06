package dev.cairn.engine.btree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The freelist's own chain: its pages come off the freelist, and taking them can lengthen the list.
 * A 1,000,000-key load once failed its commit there ("Index 2 out of bounds for length 2").
 */
class FreelistChainTest {

  private static final Layout LAYOUT = new Layout(4096);

  @Test
  void takingTheChainsPagesCanLengthenTheListAndMorePagesAreThenTaken() {
    Freelist f = new Freelist();
    // Pages 3 and 4 free; page 2 pending: together the run [2, 5).
    f.free(1, 3);
    f.free(1, 4);
    f.release(1);
    f.free(2, 2);
    // Isolated pending pages 6, 8, 10, ...: two bytes each, until the list fills one chain page.
    long id = 6;
    while (f.encodedSize() < LAYOUT.blobPayload()) {
      f.free(2, id);
      id += 2;
    }
    assertEquals(LAYOUT.blobPayload(), f.encodedSize(), "the list fills exactly one page");
    long[] highWater = {1_000_000};
    long[] ids =
        Committer.takeChainPages(
            f,
            () -> {
              long p = f.allocate();
              return p >= 0 ? p : highWater[0]++;
            },
            LAYOUT);
    // Taking page 3 split [2, 5) into [2, 3) and [4, 5): the list no longer fits one page, so a
    // second page (4) was taken, and the list then fits the two.
    assertArrayEquals(new long[] {3, 4}, ids);
    assertTrue(Blobs.pagesFor(f.encodedSize(), LAYOUT) <= ids.length);
  }
}
