package dev.cairn.engine.btree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Node pages with compact entries (format version 3, {@code docs/formats/btree-page.md}): what they
 * take, and damage that passes the checksum (a bug's write) reported as corruption by both readers
 * of a page, the writer's decoding ({@link Node#decode}) and the readers' in-place view ({@link
 * NodeView#index}), never a length believed: no array of it allocated, no byte read past the page.
 */
class CompactEntriesTest {

  private static final int PAGE = 4096;
  private static final Layout LAYOUT = new Layout(PAGE);

  @Test
  void theBenchsEntryTakes118BytesAndReadsBackBothWays() {
    Node n = Node.newLeaf();
    byte[] key = new byte[16];
    byte[] value = new byte[100];
    key[0] = 7;
    value[99] = 9;
    n.keys.add(key);
    n.keyRefs.add(null);
    n.values.add(value);
    assertEquals(118, n.encodedSize(LAYOUT));
    byte[] page = n.encode(5, 2, LAYOUT);
    assertEquals(PageFormat.COMPACT_ENTRIES, page[PageFormat.FLAGS_OFFSET]);
    Node back = Node.decode(page, 5, 2, ref -> null, "test");
    assertArrayEquals(key, back.keys.getFirst());
    assertArrayEquals(value, (byte[]) back.values.getFirst());
    NodeView v = view(page);
    v.index(5, 2, "test");
    assertArrayEquals(value, v.value(0, null));
    assertEquals(0, v.search(key, null));
  }

  @Test
  void aKeyLengthPastThePageIsCorruptionNotAnAllocation() {
    // 0xFFFFFFFC: flags 0 and an inline key of 2^30 - 1 bytes, a gigabyte array if believed.
    byte[] page = leafWithHead(-4);
    CorruptionException x =
        assertThrows(CorruptionException.class, () -> Node.decode(page, 5, 2, r -> null, "test"));
    assertTrue(x.getMessage().contains("key length"), x.getMessage());
    assertThrows(CorruptionException.class, () -> view(page).index(5, 2, "test"));
  }

  @Test
  void aLengthNotCanonicalOrAnUnknownPageFlagIsCorruption() {
    byte[] overlong = leafWithHead(0);
    overlong[PageFormat.HEADER_SIZE] = (byte) 0x80; // 0x80 0x00: zero in two bytes
    PageFormat.seal(overlong, PAGE);
    CorruptionException x =
        assertThrows(
            CorruptionException.class, () -> Node.decode(overlong, 5, 2, r -> null, "test"));
    assertTrue(x.getMessage().contains("damaged length"), x.getMessage());
    x = assertThrows(CorruptionException.class, () -> view(overlong).index(5, 2, "test"));
    assertTrue(x.getMessage().contains("damaged length"), x.getMessage());

    byte[] flagged = leafWithHead(16 << Node.FLAG_BITS);
    flagged[PageFormat.FLAGS_OFFSET] = 2;
    PageFormat.seal(flagged, PAGE);
    x =
        assertThrows(
            CorruptionException.class, () -> Node.decode(flagged, 5, 2, r -> null, "test"));
    assertTrue(x.getMessage().contains("unknown page flags 2"), x.getMessage());
    assertThrows(CorruptionException.class, () -> view(flagged).index(5, 2, "test"));
  }

  /**
   * The spill takes a written neighbour's size from its page ({@link NodeView#encodedSize}) and a
   * page's body from {@link Node#encode}, where it computed {@link Node#encodedSize}: the three
   * must agree to the byte (they go into the meta's count of tree bytes, and choose the neighbour a
   * leaf shares with), for leaves and branches, short and long keys and values in chains.
   */
  @Test
  void aPagesBodyIsTheNodesEncodedSizeReadInPlaceToo() {
    long seed = Long.getLong("cairn.seed", System.nanoTime());
    System.out.println(
        "CompactEntriesTest seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    java.util.Random r = new java.util.Random(seed);
    for (int round = 0; round < 200; round++) {
      boolean leaf = r.nextBoolean();
      Node n = leaf ? Node.newLeaf() : Node.newBranch();
      int used = 0;
      while (true) {
        byte[] key = new byte[r.nextInt(8) == 0 ? 600 + r.nextInt(400) : r.nextInt(200)];
        r.nextBytes(key);
        BlobRef keyRef =
            key.length > LAYOUT.maxInlineKey()
                ? new BlobRef(r.nextInt(1000) + 2, 7, key.length)
                : null;
        n.keys.add(key);
        n.keyRefs.add(keyRef);
        if (leaf) {
          int length = r.nextInt(6) == 0 ? 2000 + r.nextInt(4000) : r.nextInt(300);
          Object value = new byte[length];
          if (!Node.valueInline((byte[]) value, n.prefixSize(n.size() - 1, LAYOUT), LAYOUT)) {
            value = new BlobRef(r.nextInt(1000) + 2, 7, length);
          }
          n.values.add(value);
        } else {
          n.children.add(new Node.Child(r.nextInt(1000) + 2, 7, null));
        }
        int size = n.entrySize(n.size() - 1, LAYOUT);
        if (used + size > LAYOUT.body()) {
          n.keys.removeLast();
          n.keyRefs.removeLast();
          (leaf ? n.values : n.children).removeLast();
          break;
        }
        used += size;
      }
      int sum = 0;
      for (int i = 0; i < n.size(); i++) {
        sum += n.entrySize(i, LAYOUT);
      }
      assertEquals(sum, n.encodedSize(LAYOUT), "round " + round);
      byte[] page = new byte[PAGE];
      int body = n.encode(page, 9, 7, LAYOUT);
      assertEquals(n.encodedSize(LAYOUT), body, "round " + round);
      NodeView v = view(page);
      v.index(9, 7, "test");
      assertEquals(body, v.encodedSize(), "round " + round);
      Node back = Node.decode(page, 9, 7, ref -> new byte[ref.length()], "test");
      assertEquals(body, back.encodedSize(LAYOUT), "round " + round);
    }
    // A value too long for its entry, not yet in a chain, is measured as the reference it becomes.
    Node n = Node.newLeaf();
    n.keys.add(new byte[16]);
    n.keyRefs.add(null);
    n.values.add(new byte[3000]);
    assertEquals(1 + 16 + BlobRef.SIZE, n.encodedSize(LAYOUT));
    assertEquals(n.entrySize(0, LAYOUT), n.encodedSize(LAYOUT));
  }

  /** A sealed compact leaf page of one entry whose head is {@code head}, the rest zeros. */
  private static byte[] leafWithHead(int head) {
    byte[] page = new byte[PAGE];
    ByteBuffer b = PageFormat.buffer(page);
    PageFormat.header(b, PageFormat.LEAF, 1, 5, 2);
    b.put(PageFormat.FLAGS_OFFSET, PageFormat.COMPACT_ENTRIES);
    b.position(PageFormat.HEADER_SIZE);
    Varints.putUnsignedInt(b, head);
    PageFormat.seal(page, PAGE);
    return page;
  }

  private static NodeView view(byte[] page) {
    NodeView v = NodeView.heap(PAGE);
    MemorySegment.copy(page, 0, v.page, ValueLayout.JAVA_BYTE, 0, PAGE);
    return v;
  }
}
