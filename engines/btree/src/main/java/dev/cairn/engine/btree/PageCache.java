package dev.cairn.engine.btree;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decoded nodes by page id, least recently used evicted first, bounded by {@code cache.size} bytes.
 *
 * <p>An entry is found only under the txid its reference expects: a page freed and rewritten by a
 * later transaction is a miss for a reference to its old content, never a wrong hit. The cache is
 * split into shards, each an access-ordered map under its own lock, so concurrent readers rarely
 * meet; each shard holds a sixteenth of the budget. A capacity of 0 caches nothing.
 *
 * <p>Thread-safe.
 */
final class PageCache {

  private static final int SHARDS = 16;

  private final long capacity;
  private final Shard[] shards = new Shard[SHARDS];
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  PageCache(long capacity) {
    this.capacity = capacity;
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard(capacity / SHARDS);
    }
  }

  private Shard shard(long pageId) {
    return shards[Long.hashCode(pageId * 0x9E3779B97F4A7C15L) & (SHARDS - 1)];
  }

  /** The node of page {@code pageId} written by {@code txid}, or null. */
  Node get(long pageId, long txid) {
    Node n = shard(pageId).get(pageId);
    if (n != null && n.txid == txid) {
      hits.increment();
      return n;
    }
    misses.increment();
    return null;
  }

  /** Caches {@code node}, which has its page id and txid. */
  void put(Node node) {
    if (capacity > 0) {
      shard(node.pageId).put(node);
    }
  }

  long capacity() {
    return capacity;
  }

  long usedBytes() {
    long n = 0;
    for (Shard s : shards) {
      n += s.used();
    }
    return n;
  }

  long hits() {
    return hits.sum();
  }

  long misses() {
    return misses.sum();
  }

  private static final class Shard {
    private final long budget;
    private final LinkedHashMap<Long, Node> map = new LinkedHashMap<>(64, 0.75f, true);
    private long used;

    Shard(long budget) {
      this.budget = budget;
    }

    synchronized Node get(long id) {
      return map.get(id);
    }

    synchronized void put(Node node) {
      long size = node.memoryBytes();
      if (size > budget) {
        Node old = map.remove(node.pageId);
        if (old != null) {
          used -= old.memoryBytes();
        }
        return;
      }
      Node old = map.put(node.pageId, node);
      if (old != null) {
        used -= old.memoryBytes();
      }
      used += size;
      Iterator<Map.Entry<Long, Node>> it = map.entrySet().iterator();
      while (used > budget && it.hasNext()) {
        Node victim = it.next().getValue();
        it.remove();
        used -= victim.memoryBytes();
      }
    }

    synchronized long used() {
      return used;
    }
  }
}
