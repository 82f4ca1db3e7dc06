package dev.cairn.engine.lsm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest writes, in memory, ordered by internal key: a skip list (LevelDB's {@code skiplist.h},
 * RocksDB's {@code InlineSkipList}) that readers search without locks while the leading writer
 * inserts.
 *
 * <p><b>Layout.</b> Entries live in a few large arrays (<em>chunks</em>), not in objects of their
 * own: a chunk is a {@code byte[]} of entry bytes (the encoded internal key, {@link
 * InternalKey#encode}, then the value) and a {@code long[]} of nodes. A node is three words (where
 * its bytes start and its height; the key's and the value's lengths; the key's first eight bytes)
 * and then its {@code height} links, each the address of the next node on that level ({@code (chunk
 * + 1) << 32 | index}; 0 is none). The third word, the key's first eight bytes read big-endian and
 * zero-padded, orders a node against a search key without reading the entry bytes whenever the two
 * differ within them (nearly every step of a search over random keys): a search step then touches
 * one array, not two, which is most of its cost (a cache miss each). A memtable of a million
 * entries is thus a hundred-odd arrays to the garbage collector instead of millions of small
 * objects that every young collection would copy, and a search reads a node's links and its key
 * from two arrays instead of following four references per step.
 *
 * <p><b>Concurrency.</b> One writer at a time inserts (the write group's leader, or recovery;
 * successive leaders are ordered by the leader's lock). It writes an entry's bytes and its node's
 * links first, then links the node in, level 0 upwards, each with a release store; a reader loads
 * links with acquire loads, so a node it reaches is whole. Chunks are published (a volatile array)
 * before any node in them is linked. Nothing is ever removed or changed once linked.
 *
 * <p>Every memtable belongs to one write-ahead log ({@link #walNumber()}): the writes in it are
 * exactly those of that log, so once the memtable is flushed to a table and the flush recorded, the
 * log can go. A memtable takes writes until it reaches its size; then the writer makes it immutable
 * and starts a new one with a new log, and the flush thread writes it out.
 *
 * <p><b>Visibility.</b> The writer inserts a batch's entries before it publishes the batch's last
 * sequence; a reader reads at a published sequence and skips newer entries, so it never sees part
 * of a batch.
 *
 * <p><b>Memory.</b> {@link #approximateBytes()} counts keys, values and nodes. A memtable is full
 * at its size, checked before each write group, so it overshoots by at most one group; a group
 * larger than a whole memtable gets a fresh memtable. Chunks grow from {@value #FIRST_CHUNK} bytes
 * to {@value #MAX_CHUNK}, so a small memtable stays small; an entry larger than a chunk gets one of
 * its own size.
 *
 * <p>Thread-safe: one writer inserts, any number read.
 */
final class MemTable {

  /** A tombstone's value (empty). */
  static final byte[] NO_VALUE = new byte[0];

  /**
   * Bytes counted per entry beyond its key and value, at most: the trailer, the node's three words
   * and its links (1.33 on average), rounded up.
   */
  static final int ENTRY_OVERHEAD = 48;

  private static final int MAX_HEIGHT = 12;
  private static final int FIRST_CHUNK = 64 << 10;

  /**
   * The largest chunk: 8 MiB of entry bytes, with 2 MiB of nodes. Chunks this large are what G1
   * calls humongous objects at heaps up to 16 GiB (more than half a region): allocated straight
   * into the old generation and never copied by a young collection, where 1 MiB chunks were copied
   * from survivor space to survivor space for as long as the memtable lived (a fill of 1,000,000
   * records on a busy 2-core machine: young pauses summed 2.4 s with 1 MiB chunks, 0.9 s with 8 MiB
   * ones). A memtable's last chunk may be mostly empty: up to 10 MiB beyond what the memtable
   * counts.
   */
  private static final int MAX_CHUNK = 8 << 20;

  /** Node words before the links: data offset and height; key and value lengths; key prefix. */
  private static final int NODE_HEADER = 3;

  /** The head's address: its links are {@link #head}. */
  private static final long HEAD = -1;

  private static final VarHandle LINKS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** A chunk: entry bytes and nodes. */
  private record Chunk(byte[] data, long[] nodes) {}

  private volatile Chunk[] chunks = new Chunk[0];
  private final long[] head = new long[MAX_HEIGHT];
  private final MemRangeTombstones rangeTombstones = new MemRangeTombstones();
  private final AtomicLong bytes = new AtomicLong();
  private final long walNumber;
  private volatile long largestSequence;
  private volatile int entries;

  // ---- the writer's state ----------------------------------------------------------------------

  private Chunk current;
  private int dataUsed;
  private int nodesUsed;
  private int nextChunkSize = FIRST_CHUNK;
  private long random = 0x9E3779B97F4A7C15L;
  private final long[] preceding = new long[MAX_HEIGHT];

  MemTable(long walNumber) {
    this.walNumber = walNumber;
  }

  /** The number of the write-ahead log holding the same writes. */
  long walNumber() {
    return walNumber;
  }

  /**
   * Adds an entry; by the writer only. A range delete ({@link InternalKey#RANGE_DELETE}) deletes
   * {@code [storeKey, value)} and goes beside the point entries ({@link MemRangeTombstones}).
   */
  void add(byte[] storeKey, long sequence, int kind, byte[] value) {
    byte[] v = value == null ? NO_VALUE : value;
    if (kind == InternalKey.RANGE_DELETE) {
      rangeTombstones.add(storeKey, v, sequence);
      bytes.addAndGet(storeKey.length + (long) v.length + ENTRY_OVERHEAD);
      if (sequence > largestSequence) {
        largestSequence = sequence;
      }
      return;
    }
    long trailer = InternalKey.trailer(sequence, kind);
    long prefix = prefix(storeKey);
    long x = HEAD;
    for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
      long n;
      while ((n = link(x, level)) != 0 && compare(n, storeKey, prefix, trailer) < 0) {
        x = n;
      }
      preceding[level] = x;
    }
    int height = randomHeight();
    int keyLength = storeKey.length + InternalKey.TRAILER_SIZE;
    int dataLength = keyLength + v.length;
    reserve(dataLength, NODE_HEADER + height);
    Chunk c = current;
    int at = dataUsed;
    System.arraycopy(storeKey, 0, c.data, at, storeKey.length);
    InternalKey.putTrailer(c.data, at + storeKey.length, trailer);
    System.arraycopy(v, 0, c.data, at + keyLength, v.length);
    int index = nodesUsed;
    c.nodes[index] = (long) at << 8 | height;
    c.nodes[index + 1] = (long) keyLength << 32 | v.length;
    c.nodes[index + 2] = prefix;
    for (int level = 0; level < height; level++) {
      c.nodes[index + NODE_HEADER + level] = link(preceding[level], level);
    }
    dataUsed += dataLength;
    nodesUsed += NODE_HEADER + height;
    long node = (long) chunks.length << 32 | index; // the current chunk is the last
    for (int level = 0; level < height; level++) {
      setLink(preceding[level], level, node);
    }
    entries = entries + 1;
    bytes.addAndGet(dataLength + 8L * (NODE_HEADER + height));
    if (sequence > largestSequence) {
      largestSequence = sequence;
    }
  }

  private int randomHeight() {
    int h = 1;
    long r = random;
    r ^= r << 13;
    r ^= r >>> 7;
    r ^= r << 17;
    random = r;
    while (h < MAX_HEIGHT && (r & 3) == 0) {
      h++;
      r >>>= 2;
    }
    return h;
  }

  /** Makes room in the current chunk for an entry, starting a new chunk if it lacks it. */
  private void reserve(int dataLength, int words) {
    if (current != null
        && current.data.length - dataUsed >= dataLength
        && current.nodes.length - nodesUsed >= words) {
      return;
    }
    int size = Math.max(nextChunkSize, dataLength);
    nextChunkSize = Math.min(MAX_CHUNK, nextChunkSize * 2);
    Chunk c = new Chunk(new byte[size], new long[Math.max(words, Math.min(size, MAX_CHUNK) / 32)]);
    Chunk[] grown = Arrays.copyOf(chunks, chunks.length + 1);
    grown[grown.length - 1] = c;
    chunks = grown; // published before any node in it is linked
    current = c;
    dataUsed = 0;
    nodesUsed = 0;
  }

  private Chunk chunk(long node) {
    return chunks[(int) (node >>> 32) - 1];
  }

  private long link(long node, int level) {
    if (node == HEAD) {
      return (long) LINKS.getAcquire(head, level);
    }
    return (long) LINKS.getAcquire(chunk(node).nodes, (int) node + NODE_HEADER + level);
  }

  private void setLink(long node, int level, long to) {
    if (node == HEAD) {
      LINKS.setRelease(head, level, to);
    } else {
      LINKS.setRelease(chunk(node).nodes, (int) node + NODE_HEADER + level, to);
    }
  }

  /**
   * A key's first eight bytes as an unsigned big-endian number, zero-padded: two keys whose
   * prefixes differ order as their prefixes do (a shorter key's padding is below the other's byte
   * there, as a key is below the keys it is a prefix of); equal prefixes decide nothing.
   */
  static long prefix(byte[] key) {
    if (key.length >= Long.BYTES) {
      return (long) LONG_BE.get(key, 0);
    }
    long p = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      p = p << 8 | (i < key.length ? key[i] & 0xFF : 0);
    }
    return p;
  }

  /**
   * Orders the node's key against {@code (storeKey, trailer)} as {@link InternalKey#ORDER}; {@code
   * prefix} is {@link #prefix prefix(storeKey)}.
   */
  private int compare(long node, byte[] storeKey, long prefix, long trailer) {
    Chunk c = chunk(node);
    int index = (int) node;
    long nodePrefix = c.nodes[index + 2];
    if (nodePrefix != prefix) {
      return Long.compareUnsigned(nodePrefix, prefix);
    }
    int at = (int) (c.nodes[index] >>> 8);
    int userLength = (int) (c.nodes[index + 1] >>> 32) - InternalKey.TRAILER_SIZE;
    int r = Arrays.compareUnsigned(c.data, at, at + userLength, storeKey, 0, storeKey.length);
    if (r != 0) {
      return r;
    }
    return Long.compareUnsigned(trailer, (long) LONG_LE.get(c.data, at + userLength));
  }

  private int compare(long node, InternalKey key, long prefix) {
    return compare(node, key.userKey, prefix, key.trailer);
  }

  long approximateBytes() {
    return bytes.get();
  }

  boolean isEmpty() {
    return entries == 0 && rangeTombstones.isEmpty();
  }

  /** The range tombstones added so far, fragmented; at least those a reader may see. */
  RangeTombstones rangeTombstones() {
    return rangeTombstones.get();
  }

  int entries() {
    return entries;
  }

  long largestSequence() {
    return largestSequence;
  }

  /**
   * The newest version of {@code storeKey} at or below {@code sequence}, or null if the memtable
   * holds none. The entry's key is {@code storeKey} itself with the version's trailer.
   */
  Map.Entry<InternalKey, byte[]> get(byte[] storeKey, long sequence) {
    long n = ceiling(InternalKey.seekTarget(storeKey, sequence));
    if (n == 0) {
      return null;
    }
    Chunk c = chunk(n);
    int index = (int) n;
    int at = (int) (c.nodes[index] >>> 8);
    int userLength = (int) (c.nodes[index + 1] >>> 32) - InternalKey.TRAILER_SIZE;
    if (!Arrays.equals(c.data, at, at + userLength, storeKey, 0, storeKey.length)) {
      return null;
    }
    return Map.entry(new InternalKey(storeKey, trailer(n)), value(n));
  }

  // ---- navigation by node address (0: none), for iterators -------------------------------------

  /** The first node, or 0. */
  long first() {
    return link(HEAD, 0);
  }

  /** The node after {@code node} (not 0), or 0. */
  long next(long node) {
    return link(node, 0);
  }

  /** The last node, or 0. */
  long last() {
    long x = HEAD;
    for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
      long n;
      while ((n = link(x, level)) != 0) {
        x = n;
      }
    }
    return x == HEAD ? 0 : x;
  }

  /** The first node at or after {@code target}, or 0. */
  long ceiling(InternalKey target) {
    long prefix = prefix(target.userKey);
    long x = HEAD;
    long n = 0;
    for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
      while ((n = link(x, level)) != 0 && compare(n, target, prefix) < 0) {
        x = n;
      }
    }
    // NB: n, not a second read of x's link: the writer may have linked a newer version of the
    // key in after x since, which a reader at an older sequence must not land on.
    return n;
  }

  /** The last node before {@code target} (at or before it, if {@code inclusive}), or 0. */
  long before(InternalKey target, boolean inclusive) {
    long x = lastBefore(target, inclusive);
    return x == HEAD ? 0 : x;
  }

  private long lastBefore(InternalKey target, boolean inclusive) {
    long prefix = prefix(target.userKey);
    long x = HEAD;
    int limit = inclusive ? 1 : 0; // compare(n, target) < 1: n at or before target
    for (int level = MAX_HEIGHT - 1; level >= 0; level--) {
      long n;
      while ((n = link(x, level)) != 0 && compare(n, target, prefix) < limit) {
        x = n;
      }
    }
    return x;
  }

  /** The key of {@code node} (not 0). */
  InternalKey key(long node) {
    Chunk c = chunk(node);
    int index = (int) node;
    int at = (int) (c.nodes[index] >>> 8);
    int userLength = (int) (c.nodes[index + 1] >>> 32) - InternalKey.TRAILER_SIZE;
    return new InternalKey(
        Arrays.copyOfRange(c.data, at, at + userLength),
        (long) LONG_LE.get(c.data, at + userLength));
  }

  /** The trailer of {@code node}'s key (not 0). */
  long trailer(long node) {
    Chunk c = chunk(node);
    int index = (int) node;
    int at = (int) (c.nodes[index] >>> 8);
    int keyLength = (int) (c.nodes[index + 1] >>> 32);
    return (long) LONG_LE.get(c.data, at + keyLength - InternalKey.TRAILER_SIZE);
  }

  /** The encoded internal key of {@code node} (not 0), {@link InternalKey#encode}'s form. */
  byte[] encodedKey(long node) {
    Chunk c = chunk(node);
    int index = (int) node;
    int at = (int) (c.nodes[index] >>> 8);
    int keyLength = (int) (c.nodes[index + 1] >>> 32);
    return Arrays.copyOfRange(c.data, at, at + keyLength);
  }

  /** A copy of the value of {@code node} (not 0); empty for a tombstone. */
  byte[] value(long node) {
    Chunk c = chunk(node);
    int index = (int) node;
    int at = (int) (c.nodes[index] >>> 8);
    long lengths = c.nodes[index + 1];
    int from = at + (int) (lengths >>> 32);
    return Arrays.copyOfRange(c.data, from, from + (int) lengths);
  }

  /** How many entries have keys in {@code [from, to)}. */
  long count(InternalKey from, InternalKey to) {
    long n = 0;
    long prefix = prefix(to.userKey);
    for (long x = ceiling(from); x != 0 && compare(x, to, prefix) < 0; x = next(x)) {
      n++;
    }
    return n;
  }
}
