package dev.cairn.engine.lsm;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The data blocks read lately, kept up to a byte budget (the standard {@code cache.size} setting)
 * and evicted least recently used first: a read that finds its block here does no I/O.
 *
 * <p>Split into segments by the key's hash, each an access-ordered map under its own lock, so
 * readers of different blocks rarely contend. A block is cached parsed and checksum-verified; it is
 * immutable, so readers share it. A budget of zero caches nothing.
 *
 * <p>Thread-safe.
 */
final class BlockCache {

  private static final int SEGMENTS = 16;

  /** A block's identity: its table and offset. */
  private record Key(long table, long offset) {}

  private static final class Segment extends LinkedHashMap<Key, Block> {
    private static final long serialVersionUID = 1L;
    private final long capacity;
    private long used;

    Segment(long capacity) {
      super(64, 0.75f, true);
      this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Block> eldest) {
      return false;
    }

    void trim() {
      var it = entrySet().iterator();
      while (used > capacity && it.hasNext()) {
        used -= it.next().getValue().weight();
        it.remove();
      }
    }
  }

  private final long capacity;
  private final Segment[] segments = new Segment[SEGMENTS];
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  BlockCache(long capacity) {
    this.capacity = capacity;
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment(capacity / SEGMENTS);
    }
  }

  long capacity() {
    return capacity;
  }

  private Segment segment(Key k) {
    int h = k.hashCode();
    return segments[(h ^ (h >>> 16)) & (SEGMENTS - 1)];
  }

  /** The cached block, or null. */
  Block get(long table, long offset) {
    if (capacity == 0) {
      misses.increment();
      return null;
    }
    Key k = new Key(table, offset);
    Segment s = segment(k);
    Block b;
    synchronized (s) {
      b = s.get(k);
    }
    if (b == null) {
      misses.increment();
    } else {
      hits.increment();
    }
    return b;
  }

  /** Caches {@code block}, evicting the least recently used beyond the budget. */
  void put(long table, long offset, Block block) {
    if (capacity == 0 || block.weight() > capacity / SEGMENTS) {
      return;
    }
    Key k = new Key(table, offset);
    Segment s = segment(k);
    synchronized (s) {
      Block old = s.put(k, block);
      if (old != null) {
        s.used -= old.weight();
      }
      s.used += block.weight();
      s.trim();
    }
  }

  /** Drops every block of {@code table} (it was deleted). */
  void evict(long table) {
    if (capacity == 0) {
      return;
    }
    for (Segment s : segments) {
      synchronized (s) {
        var it = s.entrySet().iterator();
        while (it.hasNext()) {
          var e = it.next();
          if (e.getKey().table() == table) {
            s.used -= e.getValue().weight();
            it.remove();
          }
        }
      }
    }
  }

  long usedBytes() {
    long n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += s.used;
      }
    }
    return n;
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }
}
