package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.WriteBatch;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page cache in engine-owned memory (decision 0021): a page is found only under the txid its
 * reference expects, a pinned slot is never refilled, the cache never grows past its slots (a read
 * with every slot pinned, or with no cache at all, goes past it), and cursors' views of cached
 * leaves stay right while other reads churn the cache.
 */
class PageCacheTest {

  private static final int PAGE = 4096;
  private static final Layout LAYOUT = new Layout(PAGE);

  @TempDir Path dir;

  /**
   * The pages a commit replaces leave the cache once the freelist makes them reusable: the slots
   * hold the live tree (and the pages still pending), not copies of dead pages that the CLOCK would
   * weigh against it. Before, 60 commits into a cache of 1,800 slots left 154 slots holding pages
   * for a tree of 103 nodes and 2 pending pages: the copies of pages freed and not yet reused.
   */
  @Test
  void pagesMadeReusableLeaveTheCache() {
    try (BtreeEngine e = TestStores.open(dir, Map.of("cache.size", "8m"), false)) {
      byte[] value = new byte[100];
      for (int round = 0; round < 60; round++) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 50; i++) {
          int k = (round * 50 + i) * 7919 % 3000;
          batch.put(TestStores.b(String.format("key-%05d-padding", k)), value);
        }
        e.write(batch, Durability.SYNC);
      }
      e.put(TestStores.b("last"), value, Durability.SYNC); // releases what the last one freed
      var d = e.statistics().details();
      long slots = d.get("cache.used.bytes") / (PAGE + 2 * (LAYOUT.body() / 16 + 1));
      assertTrue(
          slots <= d.get("tree.nodes") + d.get("pages.pinned"),
          slots
              + " slots hold pages, beyond the "
              + d.get("tree.nodes")
              + " tree nodes and "
              + d.get("pages.pinned")
              + " pending pages ("
              + d.get("pages.written")
              + " written)");
      assertTrue(d.get("cache.dropped") > 0, "slots dropped: " + d.get("cache.dropped"));
      assertConsistent(e);
    }
  }

  /** A sealed leaf page at {@code pageId} of {@code txid} holding one entry. */
  private static byte[] leaf(long pageId, long txid, String key, String value) {
    Node n = Node.newLeaf();
    n.keys.add(TestStores.b(key));
    n.keyRefs.add(null);
    n.values.add(TestStores.b(value));
    return n.encode(pageId, txid, LAYOUT);
  }

  /** A loader serving pages from a map by page id, counting its loads. */
  private static final class Pages implements PageCache.Loader {
    final Map<Long, byte[]> pages = new java.util.HashMap<>();
    final AtomicInteger loads = new AtomicInteger();

    @Override
    public void load(long pageId, long txid, MemorySegment target) {
      loads.incrementAndGet();
      byte[] p = pages.get(pageId);
      MemorySegment.copy(p, 0, target, ValueLayout.JAVA_BYTE, 0, p.length);
      PageFormat.verify(target, pageId, txid, PageFormat.LEAF, "test");
    }
  }

  private static String value(NodeView v) {
    return TestStores.s(v.value(0, null));
  }

  @Test
  void aPageRewrittenByALaterTransactionIsAMissNeverAWrongHit() {
    try (PageCache cache = new PageCache(1 << 20, PAGE, "test")) {
      Pages pages = new Pages();
      pages.pages.put(7L, leaf(7, 10, "k", "old"));
      NodeView v = cache.acquire(7, 10, pages);
      assertEquals("old", value(v));
      cache.release(v);
      v = cache.acquire(7, 10, pages);
      assertEquals(1, pages.loads.get(), "the second read of page 7 of txid 10 is a hit");
      cache.release(v);

      // Page 7 freed and rewritten by transaction 20: a reference to it expects txid 20.
      pages.pages.put(7L, leaf(7, 20, "k", "new"));
      v = cache.acquire(7, 20, pages);
      assertEquals("new", value(v));
      assertEquals(2, pages.loads.get());
      cache.release(v);

      // The writer's own copy of a page goes in too, replacing the older content.
      cache.put(7, 30, leaf(7, 30, "k", "newest"));
      v = cache.acquire(7, 30, pages);
      assertEquals("newest", value(v));
      assertEquals(2, pages.loads.get(), "the page the writer put is a hit");
      cache.release(v);
      assertEquals(2, cache.hits());
    }
  }

  @Test
  void withoutACacheEveryReadGoesToTheFileIntoAPrivateBuffer() {
    try (PageCache cache = new PageCache(0, PAGE, "test")) {
      Pages pages = new Pages();
      pages.pages.put(5L, leaf(5, 1, "a", "b"));
      for (int i = 0; i < 3; i++) {
        NodeView v = cache.acquire(5, 1, pages);
        assertEquals(-1, v.slot);
        assertEquals("b", value(v));
        cache.release(v);
      }
      assertEquals(3, pages.loads.get());
      assertEquals(0, cache.capacity());
      assertEquals(0, cache.allocatedBytes());
      assertEquals(3, cache.privateReads());
    }
  }

  @Test
  void aPinnedSlotIsNeverRefilledAndAFullCacheReadsPastItself() {
    // Room for three slots, in one shard.
    long stride = PAGE + 2L * ((PAGE - PageFormat.HEADER_SIZE) / 16 + 1);
    try (PageCache cache = new PageCache(3 * stride, PAGE, "test")) {
      Pages pages = new Pages();
      for (long id = 2; id < 40; id++) {
        pages.pages.put(id, leaf(id, 1, "key", "page " + id));
      }
      List<NodeView> held = new ArrayList<>();
      for (long id = 2; id < 5; id++) {
        held.add(cache.acquire(id, 1, pages));
      }
      assertEquals(3, cache.pinned());
      // Every slot pinned: more reads go past the cache, and change nothing in it.
      for (long id = 5; id < 40; id++) {
        NodeView v = cache.acquire(id, 1, pages);
        assertEquals(-1, v.slot, "page " + id + " had no slot to go to");
        assertEquals("page " + id, value(v));
        cache.release(v);
      }
      for (int i = 0; i < 3; i++) {
        assertEquals("page " + (i + 2), value(held.get(i)), "a pinned slot kept its page");
      }
      assertTrue(cache.allocatedBytes() <= 3 * stride);
      assertEquals(35, cache.privateReads());

      // Unpinned, the slots are reused.
      held.forEach(cache::release);
      for (long id = 5; id < 40; id++) {
        NodeView v = cache.acquire(id, 1, pages);
        assertNotEquals(-1, v.slot);
        assertEquals("page " + id, value(v));
        cache.release(v);
      }
      assertEquals(35, cache.privateReads());
      assertEquals(0, cache.pinned());
      assertTrue(cache.usedBytes() <= cache.capacity());
    }
  }

  @Test
  void cursorViewsOfCachedLeavesStayRightWhileOtherReadsChurnTheCache() {
    // A 64 KiB cache: 14 slots of 4,608 bytes, far fewer than the tree's pages.
    try (BtreeEngine e = TestStores.open(dir)) {
      WriteBatch b = new WriteBatch();
      for (int i = 0; i < 6000; i++) {
        b.put(TestStores.b(String.format("key%05d", i)), TestStores.b("value" + i));
      }
      e.write(b, Durability.BUFFERED);
      List<Cursor> cursors = new ArrayList<>();
      List<ByteView> views = new ArrayList<>();
      for (int c = 0; c < 20; c++) {
        Cursor cur =
            e.cursor(
                KeyRange.atLeast(TestStores.b(String.format("key%05d", c * 300))),
                Direction.FORWARD);
        assertTrue(cur.next());
        cursors.add(cur);
        views.add(cur.valueView());
      }
      // More cursors than slots: some of them read past the cache.
      for (int i = 0; i < 6000; i += 7) {
        assertEquals("value" + i, TestStores.s(e.get(TestStores.b(String.format("key%05d", i)))));
      }
      for (int c = 0; c < 20; c++) {
        assertArrayEquals(TestStores.b("value" + c * 300), views.get(c).toArray());
        assertTrue(cursors.get(c).next());
        int next = c * 300 + 1;
        assertArrayEquals(TestStores.b("value" + next), cursors.get(c).value());
      }
      ByteView stale = views.getFirst();
      assertThrows(
          ClosedHandleException.class, stale::toArray, "a view ends when its cursor moves");
      Map<String, Long> d = e.statistics().details();
      // 20 leaves (a sorted load fills its pages: about 177 of these entries a leaf) held by
      // cursors, 14 slots.
      assertTrue(d.get("cache.private.reads") > 0, "20 pinned leaves exceed 14 slots");
      assertEquals(14, d.get("cache.pinned"));
      cursors.forEach(Cursor::close);
      assertEquals(0, e.statistics().details().get("cache.pinned"));
      assertTrue(d.get("cache.allocated.bytes") <= d.get("cache.capacity.bytes"));
      assertTrue(d.get("cache.capacity.bytes") <= 64 * 1024);
      assertConsistent(e);
    }
  }

  @Test
  void aViewOfACachedLeafEndsWhenTheStoreCloses() {
    BtreeEngine e = TestStores.open(dir, Map.of("cache.size", "1m"), false);
    e.put(TestStores.b("a"), TestStores.b("b"), Durability.BUFFERED);
    Cursor c = e.cursor(KeyRange.all(), Direction.FORWARD);
    assertTrue(c.next());
    ByteView v = c.valueView();
    assertEquals(1, v.size());
    e.close();
    assertThrows(ClosedHandleException.class, v::toArray);
    assertThrows(ClosedHandleException.class, c::next);
    assertFalse(e.pager().cache().allocatedBytes() < 0);
  }
}
