package dev.cairn.engine.hash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The versions open snapshots still need after the index moved past them: for each key written
 * while a snapshot was open, the value it had before, and from which sequence to which.
 *
 * <p>Design: the off-heap index holds one entry a key, its newest; multi-versioning it would double
 * its size for a feature most stores rarely use. A snapshot is a sequence number {@code S}; a read
 * at {@code S} takes the index entry when its sequence is at most {@code S}, and otherwise asks
 * this map for the version that was current at {@code S}. The writer records a version only while a
 * snapshot that could need it is open, so with no snapshot open the map stays empty; each version
 * keeps its data file readable ({@link DataFile#acquire()}) until no snapshot needs it. The cost is
 * on-heap memory proportional to the keys written while a snapshot is open.
 *
 * <p>Thread safety: {@link #record} and {@link #prune} run under the store's publish lock (one
 * writer); lookups run from any thread.
 */
final class History {

  /**
   * What a key was from sequence {@code from} (inclusive) until {@code to} (exclusive).
   *
   * @param from the sequence of the version (0: the key did not exist)
   * @param to the sequence of the write that replaced it
   * @param entry where the version's record lives, or null when the key was absent
   * @param file the entry's data file, held readable while this version is kept; null if absent
   */
  record Version(long from, long to, Entry entry, DataFile file) {}

  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  private final ConcurrentHashMap<Key, Version[]> versions = new ConcurrentHashMap<>();
  private final TreeMap<Long, Integer> open = new TreeMap<>();
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private volatile long newestOpen = -1;

  /** Registers a snapshot at {@code seq}. Caller holds the publish lock. */
  void open(long seq) {
    open.merge(seq, 1, Integer::sum);
    newestOpen = open.lastKey();
  }

  /** Unregisters a snapshot at {@code seq} and drops what no snapshot needs. Under publish lock. */
  void close(long seq) {
    open.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
    newestOpen = open.isEmpty() ? -1 : open.lastKey();
    prune();
  }

  int openCount() {
    int n = 0;
    for (int c : open.values()) {
      n += c;
    }
    return n;
  }

  /** True when a snapshot is open that sees a version of sequence {@code from}. */
  boolean needed(long from) {
    return newestOpen >= from;
  }

  /**
   * Records that a key's version from {@code replaced} (null: absent) ended at {@code to}. Caller
   * holds the publish lock and the key's index segment lock, so {@code file} is still live.
   */
  void record(byte[] key, Entry replaced, DataFile file, long to) {
    long from = replaced == null ? 0 : replaced.seq();
    if (!needed(from)) {
      return;
    }
    if (file != null && !file.acquire()) {
      throw new IllegalStateException("index entry points at a released file " + file);
    }
    Version v = new Version(from, to, replaced, file);
    versions.merge(
        new Key(key),
        new Version[] {v},
        (a, b) -> {
          Version[] c = Arrays.copyOf(a, a.length + 1);
          c[a.length] = v;
          return c;
        });
    count.incrementAndGet();
    bytes.addAndGet(key.length + 96L);
  }

  /** The version of {@code key} current at {@code seq}, or null when none is recorded. */
  Version at(byte[] key, long seq) {
    Version[] vs = versions.get(new Key(key));
    if (vs != null) {
      for (Version v : vs) {
        if (v.from() <= seq && seq < v.to()) {
          return v;
        }
      }
    }
    return null;
  }

  private void prune() {
    NavigableMap<Long, Integer> snaps = open;
    List<Key> empty = new ArrayList<>();
    for (var e : versions.entrySet()) {
      List<Version> keep = new ArrayList<>();
      for (Version v : e.getValue()) {
        Long s = snaps.ceilingKey(v.from());
        if (s != null && s < v.to()) {
          keep.add(v);
        } else {
          drop(e.getKey(), v);
        }
      }
      if (keep.isEmpty()) {
        empty.add(e.getKey());
      } else if (keep.size() != e.getValue().length) {
        e.setValue(keep.toArray(Version[]::new));
      }
    }
    empty.forEach(versions::remove);
  }

  private void drop(Key key, Version v) {
    if (v.file() != null) {
      v.file().release();
    }
    count.decrementAndGet();
    bytes.addAndGet(-(key.bytes().length + 96L));
  }

  /** Drops every version (the store is closing). Under publish lock. */
  void clear() {
    for (var e : versions.entrySet()) {
      for (Version v : e.getValue()) {
        drop(e.getKey(), v);
      }
    }
    versions.clear();
  }

  long versions() {
    return count.get();
  }

  /** Approximate heap bytes held. */
  long bytes() {
    return bytes.get();
  }
}
