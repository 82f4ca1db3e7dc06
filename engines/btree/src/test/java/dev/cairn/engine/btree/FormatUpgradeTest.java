package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.assertConsistent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import dev.cairn.spi.IncompatibleVersionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores of older format versions: a store whose node pages hold the entries of versions 1 and 2 (a
 * flags byte, lengths of 2 and 4 bytes) opens, reads and takes writes, which it writes as compact
 * pages (version 3) beside the older ones; a store of a version this engine does not know is
 * refused, naming it ({@code docs/formats/btree-page.md}).
 */
class FormatUpgradeTest {

  private static final int PAGE = 4096;

  @TempDir Path dir;

  @Test
  void aStoreOfVersion2OpensAndWritesCompactPagesBesideItsOlderOnes() throws IOException {
    TreeMap<String, byte[]> model = new TreeMap<>();
    SplittableRandom random = new SplittableRandom(14);
    try (BtreeEngine e = TestStores.open(dir)) {
      for (int i = 0; i < 600; i++) {
        String k = String.format("key-%06d", random.nextInt(1_000_000));
        byte[] v = new byte[1 + random.nextInt(120)];
        random.nextBytes(v);
        e.put(TestStores.b(k), v, Durability.SYNC);
        model.put(k, v);
      }
      // NB: half the entries gone, so that every node still fits its page in the older, larger
      // encoding.
      int i = 0;
      for (String k : model.keySet().toArray(String[]::new)) {
        if (i++ % 2 == 0) {
          e.delete(TestStores.b(k), Durability.SYNC);
          model.remove(k);
        }
      }
    }
    int rewritten = rewriteAsVersion2();
    assertTrue(rewritten > 3, "node pages rewritten in the older encoding: " + rewritten);

    try (BtreeEngine e = TestStores.open(dir)) {
      assertSame(model, e);
      assertConsistent(e);
      for (int i = 0; i < 200; i++) {
        String k = String.format("new-%06d", random.nextInt(1_000_000));
        byte[] v = new byte[1 + random.nextInt(120)];
        random.nextBytes(v);
        e.put(TestStores.b(k), v, Durability.BUFFERED);
        model.put(k, v);
      }
    }
    int[] kinds = nodePages();
    assertTrue(kinds[0] > 0, "older node pages left untouched: " + kinds[0]);
    assertTrue(kinds[1] > 0, "compact node pages written: " + kinds[1]);
    try (BtreeEngine e = TestStores.open(dir)) {
      assertSame(model, e);
      assertConsistent(e);
      assertEquals(FormatVersion.CURRENT.number(), e.statistics().details().get("format.version"));
    }
  }

  @Test
  void aStoreOfANewerVersionIsRefusedNamingIt() throws IOException {
    try (BtreeEngine e = TestStores.open(dir)) {
      e.put(TestStores.b("k"), TestStores.b("v"), Durability.SYNC);
    }
    int newer = FormatVersion.CURRENT.number() + 1;
    rewriteMetas(newer);
    IncompatibleVersionException x =
        assertThrows(IncompatibleVersionException.class, () -> TestStores.open(dir).close());
    assertTrue(
        x.getMessage().contains("format version " + newer), "names the version: " + x.getMessage());
  }

  private static void assertSame(TreeMap<String, byte[]> model, BtreeEngine e) {
    for (var entry : model.entrySet()) {
      assertArrayEquals(entry.getValue(), e.get(TestStores.b(entry.getKey())), entry.getKey());
    }
    assertEquals(model.size(), e.statistics().approximateKeys());
  }

  private Path file() {
    return dir.resolve("btree.db");
  }

  /** Rewrites every intact compact node page in the older encoding and both metas as version 2. */
  private int rewriteAsVersion2() throws IOException {
    int n = 0;
    try (FileChannel ch =
        FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (long id = Meta.SLOTS; id < ch.size() / PAGE; id++) {
        byte[] page = read(ch, id);
        if (isNode(page) && page[PageFormat.FLAGS_OFFSET] == PageFormat.COMPACT_ENTRIES) {
          ch.write(ByteBuffer.wrap(olderEncoding(page)), id * PAGE);
          n++;
        }
      }
    }
    rewriteMetas(FormatVersion.V2.number());
    return n;
  }

  /** Counts the intact node pages: {older, compact}. */
  private int[] nodePages() throws IOException {
    int[] kinds = new int[2];
    try (FileChannel ch = FileChannel.open(file(), StandardOpenOption.READ)) {
      for (long id = Meta.SLOTS; id < ch.size() / PAGE; id++) {
        byte[] page = read(ch, id);
        if (isNode(page)) {
          kinds[page[PageFormat.FLAGS_OFFSET]]++;
        }
      }
    }
    return kinds;
  }

  private static boolean isNode(byte[] page) {
    byte type = page[PageFormat.TYPE_OFFSET];
    return (type == PageFormat.LEAF || type == PageFormat.BRANCH)
        && PageFormat.checksumMatches(page, page.length);
  }

  private void rewriteMetas(int version) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int slot = 0; slot < Meta.SLOTS; slot++) {
        Meta m = Meta.decode(read(ch, slot), slot, new StringBuilder());
        if (m == null) {
          continue;
        }
        Meta older =
            new Meta(
                m.txid(),
                version,
                m.pageSize(),
                m.highWater(),
                m.syncedThrough(),
                m.catalog(),
                m.freelist(),
                m.treeNodes(),
                m.treeBytes(),
                m.inlineCatalog(),
                m.inlineFreelist());
        ch.write(ByteBuffer.wrap(older.encode(slot)), (long) slot * PAGE);
      }
    }
  }

  private static byte[] read(FileChannel ch, long id) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(PAGE);
    while (b.hasRemaining() && ch.read(b, id * PAGE + b.position()) >= 0) {
      // read on
    }
    return b.array();
  }

  /**
   * The node page in the encoding of format versions 1 and 2: | flags (1B) | key length (2B) | key
   * | value length (4B) | value | (or a child's page id and txid), page flags 0.
   */
  private static byte[] olderEncoding(byte[] compact) {
    long id = ByteBuffer.wrap(compact).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(8);
    long txid = ByteBuffer.wrap(compact).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(16);
    Node node =
        Node.decode(
            compact,
            id,
            txid,
            ref -> {
              throw new AssertionError("no key of this test lives in an overflow chain");
            },
            "test");
    byte[] page = new byte[PAGE];
    ByteBuffer b = PageFormat.buffer(page);
    PageFormat.header(b, compact[PageFormat.TYPE_OFFSET], node.size(), id, txid);
    b.position(PageFormat.HEADER_SIZE);
    for (int i = 0; i < node.size(); i++) {
      byte[] k = node.keys.get(i);
      Object v = node.leaf ? node.values.get(i) : null;
      b.put((byte) (v instanceof BlobRef ? Node.VALUE_IN_OVERFLOW : 0));
      b.putShort((short) k.length).put(k);
      if (node.leaf) {
        if (v instanceof byte[] bytes) {
          b.putInt(bytes.length).put(bytes);
        } else {
          ((BlobRef) v).write(b);
        }
      } else {
        b.putLong(node.children.get(i).pageId()).putLong(node.children.get(i).txid());
      }
    }
    PageFormat.seal(page, page.length);
    return page;
  }
}
