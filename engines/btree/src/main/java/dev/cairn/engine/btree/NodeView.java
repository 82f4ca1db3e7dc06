package dev.cairn.engine.btree;

import dev.cairn.engine.toolkit.Varints;
import dev.cairn.spi.CorruptionException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A verified node page read in place: the bytes of a {@link PageCache} slot (or of a private buffer
 * when the cache has no slot to give), with the offset of each entry, so that a search
 * binary-searches the page's own bytes and a value is copied, or lent, straight from them ({@code
 * docs/formats/btree-page.md}, "Node pages"; decision 0021).
 *
 * <p>The page format packs entries one after the other, without a slot array: the offsets are
 * computed once, when the page enters the cache, into the slot's index region (two bytes an entry),
 * or into a heap array for a node with more entries than that region holds (only leaves of tiny
 * entries). Computing them checks the body: every entry lies within the page, so the accessors
 * below never read past it.
 *
 * <p><b>Lifetime.</b> A view of a cache slot is valid while the caller holds its pin ({@link
 * Pager#acquire}, {@link Pager#release}); the slot is never refilled while pinned. Not thread-safe
 * on its own: the fields are set by the thread that fills the slot, before it publishes the slot.
 */
final class NodeView {

  private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final ValueLayout.OfLong LONG_BE =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final int FLAG_MASK = (1 << Node.FLAG_BITS) - 1;
  private static final VarHandle ARRAY_LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The page's bytes. */
  final MemorySegment page;

  /** The cache slot this view is, or -1 for a private page. */
  final int slot;

  private final MemorySegment index; // two bytes an entry, room for indexCapacity entries
  private final int indexCapacity;
  private short[] spill; // the offsets when the node has more entries than the index holds
  private boolean leaf;
  private boolean compact; // entries with varint heads and lengths (PageFormat.COMPACT_ENTRIES)
  private int count;
  private int bodyEnd; // the offset past the last entry
  private long pageId;
  private long txid;

  NodeView(MemorySegment page, MemorySegment index, int slot) {
    this.page = page;
    this.slot = slot;
    this.index = index;
    this.indexCapacity = index == null ? 0 : (int) (index.byteSize() / 2);
  }

  /** A private view of a page read into a heap buffer, for when the cache has no slot to give. */
  static NodeView heap(int pageSize) {
    return new NodeView(MemorySegment.ofArray(new byte[pageSize]), null, -1);
  }

  /**
   * Computes the entries' offsets of the verified node page now in {@link #page}, read from {@code
   * pageId} as written by {@code txid}.
   *
   * @throws CorruptionException if an entry does not lie within the page
   */
  void index(long pageId, long txid, String where) {
    this.pageId = pageId;
    this.txid = txid;
    byte type = page.get(ValueLayout.JAVA_BYTE, PageFormat.TYPE_OFFSET);
    boolean isLeaf = type == PageFormat.LEAF;
    boolean isCompact =
        Node.compactEntries(
            page.get(ValueLayout.JAVA_BYTE, PageFormat.FLAGS_OFFSET), pageId, where);
    int n = Short.toUnsignedInt(page.get(SHORT_LE, PageFormat.COUNT_OFFSET));
    short[] overflow = n > indexCapacity ? new short[n] : null;
    int size = (int) page.byteSize();
    int at = PageFormat.HEADER_SIZE;
    for (int i = 0; i < n; i++) {
      if (overflow != null) {
        overflow[i] = (short) at;
      } else {
        index.set(SHORT_LE, 2L * i, (short) at);
      }
      if (at + 1 > size) {
        throw pastEnd(type, pageId, where);
      }
      at = isCompact ? compactEntryEnd(at, isLeaf, type, where) : entryEnd(at, isLeaf, type, where);
    }
    this.spill = overflow;
    this.bodyEnd = at;
    this.leaf = isLeaf;
    this.compact = isCompact;
    this.count = n;
  }

  /** The end of the entry of an older page (a flags byte, fixed lengths) at {@code at}. */
  private int entryEnd(int at, boolean isLeaf, byte type, String where) {
    int size = (int) page.byteSize();
    int flags = page.get(ValueLayout.JAVA_BYTE, at);
    if ((flags & ~(Node.KEY_IN_OVERFLOW | Node.VALUE_IN_OVERFLOW)) != 0) {
      throw damaged(pageId, "an entry with unknown flags " + flags, where);
    }
    at += 1;
    if ((flags & Node.KEY_IN_OVERFLOW) != 0) {
      at += BlobRef.SIZE;
    } else {
      if (at + 2 > size) {
        throw pastEnd(type, pageId, where);
      }
      at += 2 + Short.toUnsignedInt(page.get(SHORT_LE, at));
    }
    if (isLeaf) {
      if ((flags & Node.VALUE_IN_OVERFLOW) != 0) {
        at += BlobRef.SIZE;
      } else {
        if (at + 4 > size) {
          throw pastEnd(type, pageId, where);
        }
        int len = page.get(INT_LE, at);
        if (len < 0 || len > size - at - 4) {
          throw valuePastEnd(len, where);
        }
        at += 4 + len;
      }
    } else {
      at += Node.CHILD_SIZE;
    }
    if (at > size) {
      throw pastEnd(type, pageId, where);
    }
    return at;
  }

  /** The end of the compact entry at {@code at}: a head and a value length as varints. */
  private int compactEntryEnd(int at, boolean isLeaf, byte type, String where) {
    int size = (int) page.byteSize();
    long head = checkedVarint(at, where);
    int flags = (int) (head & FLAG_MASK);
    at += Varints.sizeOf(head);
    if ((flags & Node.KEY_IN_OVERFLOW) != 0) {
      if (head != flags) {
        throw damaged(pageId, "an entry with unknown flags " + head, where);
      }
      at += BlobRef.SIZE;
    } else {
      long len = head >>> Node.FLAG_BITS;
      if (len > size - at) {
        throw pastEnd(type, pageId, where);
      }
      at += (int) len;
    }
    if (isLeaf) {
      if ((flags & Node.VALUE_IN_OVERFLOW) != 0) {
        at += BlobRef.SIZE;
      } else {
        if (at + 1 > size) {
          throw pastEnd(type, pageId, where);
        }
        long len = checkedVarint(at, where);
        at += Varints.sizeOf(len);
        if (len > size - at) {
          throw valuePastEnd(len, where);
        }
        at += (int) len;
      }
    } else {
      at += Node.CHILD_SIZE;
    }
    if (at > size) {
      throw pastEnd(type, pageId, where);
    }
    return at;
  }

  /**
   * The varint at {@code at}, checked: within the page, at most {@link Varints#MAX_INT_BYTES}
   * bytes, canonical (the accessors take its size from its value).
   */
  private long checkedVarint(int at, String where) {
    int size = (int) page.byteSize();
    long value = 0;
    for (int k = 0; k < Varints.MAX_INT_BYTES && at + k < size; k++) {
      int b = page.get(ValueLayout.JAVA_BYTE, at + k);
      value |= (long) (b & 0x7f) << (7 * k);
      if (b >= 0) {
        if (Varints.sizeOf(value) != k + 1 || value > Integer.MAX_VALUE) {
          break;
        }
        return value;
      }
    }
    throw damaged(pageId, "a damaged length at byte " + at, where);
  }

  /** The varint at {@code at}, of a page {@link #index} checked. */
  private int varint(int at) {
    int b = page.get(ValueLayout.JAVA_BYTE, at);
    if (b >= 0) {
      return b;
    }
    int value = b & 0x7f;
    for (int shift = 7; ; shift += 7) {
      b = page.get(ValueLayout.JAVA_BYTE, ++at);
      value |= (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }

  private CorruptionException valuePastEnd(long len, String where) {
    return new CorruptionException(
        where + ": leaf page " + pageId + " has a value length " + len + " past its end");
  }

  private static CorruptionException damaged(long pageId, String what, String where) {
    return new CorruptionException(where + ": node page " + pageId + " has " + what);
  }

  private static CorruptionException pastEnd(byte type, long pageId, String where) {
    return new CorruptionException(
        where + ": " + PageFormat.typeName(type) + " page " + pageId + " has entries past its end");
  }

  /**
   * True when the page is {@code pageId} as written by {@code txid}, read from its header (for a
   * pinned slot, which cannot be refilled meanwhile).
   */
  boolean holds(long pageId, long txid) {
    return page.get(LONG_LE, PageFormat.ID_OFFSET) == pageId
        && page.get(LONG_LE, PageFormat.TXID_OFFSET) == txid;
  }

  boolean leaf() {
    return leaf;
  }

  int size() {
    return count;
  }

  long pageId() {
    return pageId;
  }

  long txid() {
    return txid;
  }

  /**
   * The bytes of the node's body as {@link Node#encodedSize} counts them, read from the page
   * without decoding it; -1 for a page of an older format (other entry sizes), which must be
   * decoded to tell.
   */
  int encodedSize() {
    return compact ? bodyEnd - PageFormat.HEADER_SIZE : -1;
  }

  /** Whether a key, or in a leaf a value, of this node lives in an overflow chain. */
  boolean holdsChains() {
    int flags = Node.KEY_IN_OVERFLOW | (leaf ? Node.VALUE_IN_OVERFLOW : 0);
    for (int i = 0; i < count; i++) {
      if ((page.get(ValueLayout.JAVA_BYTE, entry(i)) & flags) != 0) {
        return true;
      }
    }
    return false;
  }

  /** The offset of entry {@code i}: its flags byte. */
  private int entry(int i) {
    short[] s = spill;
    return Short.toUnsignedInt(s != null ? s[i] : index.get(SHORT_LE, 2L * i));
  }

  private boolean keyInOverflow(int at) {
    return (page.get(ValueLayout.JAVA_BYTE, at) & Node.KEY_IN_OVERFLOW) != 0;
  }

  /** Where entry {@code at}'s key field begins: the key's bytes, or its reference. */
  private int keyStart(int at) {
    if (!compact) {
      return keyInOverflow(at) ? at + 1 : at + 3;
    }
    int b = page.get(ValueLayout.JAVA_BYTE, at);
    return b >= 0 ? at + 1 : at + Varints.sizeOf(varint(at));
  }

  /** The length of entry {@code at}'s inline key. */
  private int keyLength(int at) {
    return compact
        ? varint(at) >>> Node.FLAG_BITS
        : Short.toUnsignedInt(page.get(SHORT_LE, at + 1));
  }

  /** Where entry {@code at}'s value field (a leaf's) or child reference (a branch's) begins. */
  private int valueAt(int at) {
    return keyStart(at) + (keyInOverflow(at) ? BlobRef.SIZE : keyLength(at));
  }

  /** The length of the inline value whose field begins at {@code v}. */
  private int valueLength(int v) {
    return compact ? varint(v) : page.get(INT_LE, v);
  }

  /** Where the bytes of the inline value whose field begins at {@code v} begin. */
  private int valueBytes(int v, int length) {
    return compact ? v + Varints.sizeOf(length) : v + 4;
  }

  private BlobRef ref(int at) {
    return new BlobRef(page.get(LONG_LE, at), page.get(LONG_LE, at + 8), page.get(INT_LE, at + 16));
  }

  /** Key {@code i}, compared with {@code key} (unsigned lexicographic order). */
  int compareKey(int i, byte[] key, Pager pager) {
    int at = entry(i);
    if (keyInOverflow(at)) {
      return Arrays.compareUnsigned(pager.key(ref(at + 1)), key);
    }
    return compare(page, keyStart(at), keyLength(at), key);
  }

  /** The index of {@code key}, or {@code -(insertion point) - 1}. */
  int search(byte[] key, Pager pager) {
    int lo = 0;
    int hi = count - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareKey(mid, key, pager);
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
  int childIndex(byte[] key, Pager pager) {
    int i = search(key, pager);
    int idx = i >= 0 ? i : -i - 2;
    return Math.max(idx, 0);
  }

  /** In a branch, the page of child {@code i}. */
  long childPage(int i) {
    int at = entry(i);
    return page.get(LONG_LE, valueAt(at));
  }

  /** In a branch, the txid of child {@code i}. */
  long childTxid(int i) {
    int at = entry(i);
    return page.get(LONG_LE, valueAt(at) + 8);
  }

  /** Key {@code i}, a new array. */
  byte[] key(int i, Pager pager) {
    int at = entry(i);
    if (keyInOverflow(at)) {
      return pager.key(ref(at + 1));
    }
    return page.asSlice(keyStart(at), keyLength(at)).toArray(ValueLayout.JAVA_BYTE);
  }

  /** Key {@code i}'s bytes in the page, or null when the key lives in an overflow chain. */
  MemorySegment keyInPlace(int i) {
    int at = entry(i);
    if (keyInOverflow(at)) {
      return null;
    }
    return page.asSlice(keyStart(at), keyLength(at));
  }

  /** In a leaf, value {@code i}'s overflow chain, or null when the value is inline. */
  BlobRef valueRef(int i) {
    int at = entry(i);
    if ((page.get(ValueLayout.JAVA_BYTE, at) & Node.VALUE_IN_OVERFLOW) == 0) {
      return null;
    }
    return ref(valueAt(at));
  }

  /** In a leaf, value {@code i}'s bytes in the page, or null when it lives in an overflow chain. */
  MemorySegment valueInPlace(int i) {
    int at = entry(i);
    if ((page.get(ValueLayout.JAVA_BYTE, at) & Node.VALUE_IN_OVERFLOW) != 0) {
      return null;
    }
    int v = valueAt(at);
    int len = valueLength(v);
    return page.asSlice(valueBytes(v, len), len);
  }

  /** In a leaf, value {@code i}, a new array (its overflow chain read). */
  byte[] value(int i, Pager pager) {
    int at = entry(i);
    int v = valueAt(at);
    if ((page.get(ValueLayout.JAVA_BYTE, at) & Node.VALUE_IN_OVERFLOW) != 0) {
      return pager.value(ref(v));
    }
    int len = valueLength(v);
    byte[] out = new byte[len];
    MemorySegment.copy(page, ValueLayout.JAVA_BYTE, valueBytes(v, len), out, 0, len);
    return out;
  }

  /** The page's bytes, a new array (for decoding). */
  byte[] bytes() {
    return page.toArray(ValueLayout.JAVA_BYTE);
  }

  /**
   * {@code length} bytes of {@code segment} from {@code offset}, compared with {@code key}
   * (unsigned lexicographic order, a prefix first): eight bytes at a time.
   */
  static int compare(MemorySegment segment, long offset, int length, byte[] key) {
    int n = Math.min(length, key.length);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long a = segment.get(LONG_BE, offset + i);
      long b = (long) ARRAY_LONG_BE.get(key, i);
      if (a != b) {
        return Long.compareUnsigned(a, b);
      }
    }
    for (; i < n; i++) {
      int a = Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, offset + i));
      int b = Byte.toUnsignedInt(key[i]);
      if (a != b) {
        return a - b;
      }
    }
    return length - key.length;
  }
}
