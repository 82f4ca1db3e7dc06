package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * A branch or leaf of the tree, decoded ({@code docs/formats/btree-page.md}, "Node pages").
 *
 * <p>A leaf holds keys and values in key order; a branch holds children, each with the smallest key
 * it may hold (the first child's key is empty and stands for "everything below the second"). Keys
 * are always whole in memory: a long key's overflow chain is read when the node is decoded, so
 * searches compare arrays. A value is a {@code byte[]} or, when it lives in an overflow chain, a
 * {@link BlobRef} read on demand.
 *
 * <p><b>Ownership.</b> Only the writer decodes nodes: readers read pages in place ({@link
 * NodeView}, in the {@link PageCache}). A decoded node the writer keeps ({@link Pager#written})
 * never changes: a transaction that changes a node works on its own {@link #copy()}
 * (copy-on-write), which no reader sees until the commit has written it to a new page.
 *
 * <pre>
 * leaf entry:   | head (varint) | key: bytes, or BlobRef (20B) | value: len (varint) + bytes,
 *               |               |                              | or BlobRef (20B)            |
 * branch entry: | head (varint) | key, as above | child page id (8B) | child txid (8B) |
 * head: inline key length &lt;&lt; 2 | flags (0 length for a key in overflow)
 * flags: bit 0 the key is in an overflow chain, bit 1 the value is
 * </pre>
 *
 * <p>Pages of format versions 1 and 2 (without the page flag {@link PageFormat#COMPACT_ENTRIES})
 * are read too: a flags byte, then a key length of 2 bytes and a value length of 4. Seven bytes of
 * every entry were flags and lengths; a 16-byte key and a 100-byte value now take two.
 */
final class Node {

  static final int KEY_IN_OVERFLOW = 1;
  static final int VALUE_IN_OVERFLOW = 2;

  /** Bits of an entry's head that hold its flags; the inline key's length is above them. */
  static final int FLAG_BITS = 2;

  private static final int FLAG_MASK = (1 << FLAG_BITS) - 1;

  /** A reference from a branch to a child: a page written before, or a node changed in this txn. */
  record Child(long pageId, long txid, Node dirty) {
    static Child of(Node n) {
      return new Child(0, 0, n);
    }
  }

  final boolean leaf;
  final ArrayList<byte[]> keys;
  final ArrayList<BlobRef> keyRefs; // null where the key is inline
  final ArrayList<Object> values; // leaf: byte[] or BlobRef
  final ArrayList<Child> children; // branch

  /** The page this node was read from, and the txid that wrote it; 0 for a node not yet written. */
  long pageId;

  long txid;

  /** Set while a transaction appends at the node's end: its split then fills pages. */
  boolean appended;

  /**
   * The epoch of its transaction this dirty node was made in; once the transaction published it to
   * readers (a later epoch), it is never changed again: a change copies it.
   */
  int epoch;

  private Node(boolean leaf, int capacity) {
    this.leaf = leaf;
    this.keys = new ArrayList<>(capacity);
    this.keyRefs = new ArrayList<>(capacity);
    this.values = leaf ? new ArrayList<>(capacity) : null;
    this.children = leaf ? null : new ArrayList<>(capacity);
  }

  static Node newLeaf() {
    return new Node(true, 8);
  }

  static Node newBranch() {
    return new Node(false, 8);
  }

  /** A private copy for a transaction to change; the copy has no page yet. */
  Node copy() {
    Node n = new Node(leaf, size() + 4);
    n.keys.addAll(keys);
    n.keyRefs.addAll(keyRefs);
    if (leaf) {
      n.values.addAll(values);
    } else {
      n.children.addAll(children);
    }
    return n;
  }

  int size() {
    return keys.size();
  }

  /** The index of {@code key}, or {@code -(insertion point) - 1}. */
  int search(byte[] key) {
    int lo = 0;
    int hi = keys.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = Arrays.compareUnsigned(keys.get(mid), key);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** In a branch, the child that holds {@code key}: the last whose key is at most it. */
  int childIndex(byte[] key) {
    int i = search(key);
    int idx = i >= 0 ? i : -i - 2;
    return Math.max(idx, 0);
  }

  // ---- sizes -----------------------------------------------------------------------------------

  /** Bytes of entry {@code i} encoded, as it would be written under {@code layout}. */
  int entrySize(int i, Layout layout) {
    int size = prefixSize(i, layout);
    if (!leaf) {
      return size + CHILD_SIZE;
    }
    return size + valueSize(values.get(i), size, layout);
  }

  /** Bytes of a branch entry's child reference: page id and txid. */
  static final int CHILD_SIZE = 16;

  /** Bytes of entry {@code i}'s head and key field, what precedes its value. */
  int prefixSize(int i, Layout layout) {
    if (!keyInline(i, layout)) {
      return 1 + BlobRef.SIZE;
    }
    int length = keys.get(i).length;
    return Varints.sizeOf(length << FLAG_BITS) + length;
  }

  /** True when key {@code i} is written inline. */
  boolean keyInline(int i, Layout layout) {
    return keyRefs.get(i) == null && keys.get(i).length <= layout.maxInlineKey();
  }

  private static int valueSize(Object v, int prefix, Layout layout) {
    if (v instanceof byte[] b && valueInline(b, prefix, layout)) {
      return Varints.sizeOf(b.length) + b.length;
    }
    return BlobRef.SIZE;
  }

  /** True when {@code value}, after {@code prefix} bytes of its entry, is written inline. */
  static boolean valueInline(byte[] value, int prefix, Layout layout) {
    return prefix + Varints.sizeOf(value.length) + value.length <= layout.maxEntry();
  }

  /**
   * Bytes of the node's body encoded: the sum of {@link #entrySize}, in one pass over the entries
   * (the spill measures every leaf a working transaction changed).
   */
  int encodedSize(Layout layout) {
    int maxKey = layout.maxInlineKey();
    int maxEntry = layout.maxEntry();
    int count = keys.size();
    int n = 0;
    for (int i = 0; i < count; i++) {
      byte[] k = keys.get(i);
      int prefix =
          keyRefs.get(i) == null && k.length <= maxKey
              ? Varints.sizeOf(k.length << FLAG_BITS) + k.length
              : 1 + BlobRef.SIZE;
      if (!leaf) {
        n += prefix + CHILD_SIZE;
      } else if (values.get(i) instanceof byte[] v) {
        int inline = prefix + Varints.sizeOf(v.length) + v.length;
        n += inline <= maxEntry ? inline : prefix + BlobRef.SIZE;
      } else {
        n += prefix + BlobRef.SIZE;
      }
    }
    return n;
  }

  // ---- encoding --------------------------------------------------------------------------------

  /**
   * The node as a page at {@code pageId} of {@code txid}, sealed. Every key and value that is not
   * inline already has its {@link BlobRef}.
   */
  byte[] encode(long pageId, long txid, Layout layout) {
    byte[] page = new byte[layout.pageSize()];
    encode(page, pageId, txid, layout);
    return page;
  }

  /**
   * {@link #encode(long, long, Layout)} into {@code page}, a zeroed array of a page's size.
   *
   * @return the bytes of the node's body, its {@link #encodedSize}
   */
  int encode(byte[] page, long pageId, long txid, Layout layout) {
    ByteBuffer b = PageFormat.buffer(page);
    PageFormat.header(b, leaf ? PageFormat.LEAF : PageFormat.BRANCH, size(), pageId, txid);
    b.put(PageFormat.FLAGS_OFFSET, PageFormat.COMPACT_ENTRIES);
    b.position(PageFormat.HEADER_SIZE);
    for (int i = 0; i < size(); i++) {
      boolean keyInline = keyInline(i, layout);
      Object v = leaf ? values.get(i) : null;
      int flags =
          (keyInline ? 0 : KEY_IN_OVERFLOW) | (v instanceof BlobRef ? VALUE_IN_OVERFLOW : 0);
      byte[] k = keys.get(i);
      Varints.putUnsignedInt(b, (keyInline ? k.length << FLAG_BITS : 0) | flags);
      if (keyInline) {
        b.put(k);
      } else {
        keyRefs.get(i).write(b);
      }
      if (leaf) {
        if (v instanceof byte[] bytes) {
          Varints.putUnsignedInt(b, bytes.length);
          b.put(bytes);
        } else {
          ((BlobRef) v).write(b);
        }
      } else {
        Child c = children.get(i);
        b.putLong(c.pageId()).putLong(c.txid());
      }
    }
    int body = b.position() - PageFormat.HEADER_SIZE;
    PageFormat.seal(page, page.length);
    return body;
  }

  /**
   * Decodes a verified node page read from {@code pageId}; {@code keyReader} reads a long key's
   * overflow chain.
   *
   * @throws CorruptionException if the body does not parse
   */
  static Node decode(
      byte[] page, long pageId, long txid, Function<BlobRef, byte[]> keyReader, String where) {
    return decode(page, pageId, txid, keyReader, where, 0);
  }

  /**
   * {@link #decode}, with room for {@code spare} more entries (a node decoded to be changed, as
   * {@link #copy()} leaves room).
   */
  static Node decode(
      byte[] page,
      long pageId,
      long txid,
      Function<BlobRef, byte[]> keyReader,
      String where,
      int spare) {
    boolean leaf = PageFormat.type(page) == PageFormat.LEAF;
    int count = PageFormat.count(page);
    Node n = new Node(leaf, count + spare);
    n.pageId = pageId;
    n.txid = txid;
    ByteBuffer b = PageFormat.buffer(page);
    boolean compact = compactEntries(page[PageFormat.FLAGS_OFFSET], pageId, where);
    b.position(PageFormat.HEADER_SIZE);
    try {
      for (int i = 0; i < count; i++) {
        int head = compact ? varint(b, pageId, where) : b.get();
        int flags = head & FLAG_MASK;
        if ((head & ~FLAG_MASK) != 0 && (!compact || (flags & KEY_IN_OVERFLOW) != 0)) {
          throw new CorruptionException(
              where + ": node page " + pageId + " has an entry with unknown flags " + head);
        }
        if ((flags & KEY_IN_OVERFLOW) != 0) {
          BlobRef ref = BlobRef.read(b);
          n.keyRefs.add(ref);
          n.keys.add(keyReader.apply(ref));
        } else {
          int len = compact ? head >>> FLAG_BITS : b.getShort() & 0xffff;
          if (len > b.remaining()) {
            throw new CorruptionException(
                where + ": node page " + pageId + " has a key length " + len + " past its end");
          }
          byte[] k = new byte[len];
          b.get(k);
          n.keyRefs.add(null);
          n.keys.add(k);
        }
        if (leaf) {
          if ((flags & VALUE_IN_OVERFLOW) != 0) {
            n.values.add(BlobRef.read(b));
          } else {
            int len = compact ? varint(b, pageId, where) : b.getInt();
            if (len < 0 || len > b.remaining()) {
              throw new CorruptionException(
                  where + ": leaf page " + pageId + " has a value length " + len + " past its end");
            }
            byte[] v = new byte[len];
            b.get(v);
            n.values.add(v);
          }
        } else {
          n.children.add(new Child(b.getLong(), b.getLong(), null));
        }
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new CorruptionException(
          where
              + ": "
              + PageFormat.typeName(page[PageFormat.TYPE_OFFSET])
              + " page "
              + pageId
              + " has entries past its end",
          e);
    }
    return n;
  }

  private static int varint(ByteBuffer b, long pageId, String where) {
    try {
      return Varints.getUnsignedInt(b);
    } catch (CorruptionException e) {
      throw new CorruptionException(
          where + ": node page " + pageId + " has a damaged length: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a node page whose header has {@code pageFlags} holds compact entries.
   *
   * @throws CorruptionException if a flag this engine does not know is set
   */
  static boolean compactEntries(byte pageFlags, long pageId, String where) {
    if ((pageFlags & ~PageFormat.COMPACT_ENTRIES) != 0) {
      throw new CorruptionException(
          where + ": node page " + pageId + " has unknown page flags " + (pageFlags & 0xff));
    }
    return pageFlags == PageFormat.COMPACT_ENTRIES;
  }

  /** The overflow chains this node references (keys and values), for freeing and checks. */
  List<BlobRef> blobs() {
    List<BlobRef> refs = new ArrayList<>();
    for (BlobRef r : keyRefs) {
      if (r != null) {
        refs.add(r);
      }
    }
    if (leaf) {
      for (Object v : values) {
        if (v instanceof BlobRef r) {
          refs.add(r);
        }
      }
    }
    return refs;
  }
}
