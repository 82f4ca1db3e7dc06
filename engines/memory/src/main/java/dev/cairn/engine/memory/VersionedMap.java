package dev.cairn.engine.memory;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's data: every key's list of {@link Version}s in a concurrent sorted map, versioned by
 * sequence number (MVCC).
 *
 * <p>Thread-safe. Writers are serialized by one lock; readers take no lock.
 */
final class VersionedMap {

  // Design. A write takes the write lock, gives all its changes the sequence number after the
  // published one, puts each changed key's new version at the head of its list, and only then
  // publishes the sequence (a volatile write). A reader at sequence S ignores versions newer than
  // S, so it sees all of a batch or none of it, and a snapshot or cursor that pins S sees the
  // store as of S however long it lives.
  //
  // Lists are immutable and replaced whole, so a reader holding one is never disturbed by a
  // writer. Versions no reader can see any more are dropped ("pruned") by writers: every version
  // newer than the horizon (the oldest pinned sequence; see ReadPins) is kept, plus the newest at
  // or below it, which is what a reader at the horizon sees; a tombstone at the bottom of a list
  // is dropped too, since seeing it and seeing nothing are the same. A key whose list prunes to
  // nothing leaves the map. Keys that still hold old versions for pinned readers are remembered
  // in `retained`, and pruned again once the horizon moves (when a reader unpins, or on the next
  // write), so memory does not grow with overwrites once snapshots and cursors are closed.
  //
  // Unpinned point reads (get on the live store) fetch the list first and read the published
  // sequence after: the list then holds the newest version published before the fetch, which
  // pruning never removes, so the read is linearizable without a pin.

  /** Estimated bytes of a map entry besides its key: skip-list node, index share, array header. */
  static final long KEY_OVERHEAD = 64;

  /** Estimated bytes of a version besides its value: the object and the value's array header. */
  static final long VERSION_OVERHEAD = 48;

  private final ConcurrentSkipListMap<byte[], Version> chains =
      new ConcurrentSkipListMap<>(Bytes.ORDER);
  private final ReadPins pins = new ReadPins();
  private final ReentrantLock writeLock = new ReentrantLock();
  private volatile long published;

  // Guarded by writeLock; the counters are volatile so statistics may read them without it.
  private final TreeSet<byte[]> retained = new TreeSet<>(Bytes.ORDER);
  private long sweptAt;
  private volatile long liveKeys;
  private volatile long versions;
  private volatile long bytes;

  /** The sequence of the last complete write; readers at it see every acknowledged write. */
  long published() {
    return published;
  }

  /** Pins the published sequence for a snapshot or cursor; release it with {@link #unpin}. */
  long pin() {
    return pins.pin(this::published);
  }

  /** Releases a pin, and prunes what it held if no writer is busy (else the next write will). */
  void unpin(long seq) {
    pins.unpin(seq);
    if (writeLock.tryLock()) {
      try {
        sweep();
      } finally {
        writeLock.unlock();
      }
    }
  }

  /** The number of pins held by open snapshots and cursors. */
  int pinCount() {
    return pins.size();
  }

  /** The value of {@code key} as of the latest published write, or null; not copied. */
  byte[] getLatest(byte[] key) {
    Version head = chains.get(key);
    if (head == null) {
      return null;
    }
    // NB: the published sequence is read after the list is fetched; see the design note.
    Version v = Version.visible(head, published);
    return v == null ? null : v.value();
  }

  /** The value of {@code key} as seen at the pinned sequence {@code readSeq}, or null. */
  byte[] getAt(byte[] key, long readSeq) {
    Version v = Version.visible(chains.get(key), readSeq);
    return v == null ? null : v.value();
  }

  /**
   * The entries between two bounds (null for none), as a live, weakly consistent view; readers
   * filter versions by their sequence. The lower bound must not order after the upper.
   */
  NavigableMap<byte[], Version> slice(KeyRange.Bound lower, KeyRange.Bound upper) {
    if (lower != null && upper != null) {
      return chains.subMap(lower.key(), lower.inclusive(), upper.key(), upper.inclusive());
    }
    if (lower != null) {
      return chains.tailMap(lower.key(), lower.inclusive());
    }
    if (upper != null) {
      return chains.headMap(upper.key(), upper.inclusive());
    }
    return chains;
  }

  /**
   * Applies {@code changes} (a null value deletes) as one write at the next sequence, atomically
   * for readers. Keys and values are kept as given: the caller hands over arrays nobody else holds.
   */
  void apply(SortedMap<byte[], byte[]> changes) {
    writeLock.lock();
    try {
      long seq = published + 1;
      List<byte[]> touched = new ArrayList<>(changes.size());
      for (Map.Entry<byte[], byte[]> change : changes.entrySet()) {
        byte[] key = change.getKey();
        byte[] value = change.getValue();
        Version head = chains.get(key);
        if (head == null && value == null) {
          continue; // deleting a key no reader can see: nothing to record
        }
        boolean wasLive = head != null && !head.isTombstone();
        if (wasLive != (value != null)) {
          liveKeys += value != null ? 1 : -1;
        }
        if (head == null) {
          bytes += KEY_OVERHEAD + key.length;
        }
        versions++;
        bytes += versionBytes(value);
        chains.put(key, new Version(seq, value, head));
        touched.add(key);
      }
      published = seq; // the publication point: readers may now see every version at seq
      long horizon = pins.horizon(seq);
      for (byte[] key : touched) {
        prune(key, horizon);
      }
      if (horizon > sweptAt) {
        sweep();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Prunes every retained key if the horizon moved since the last sweep. Holds writeLock. */
  private void sweep() {
    long horizon = pins.horizon(published);
    if (horizon <= sweptAt) {
      return;
    }
    sweptAt = horizon;
    for (byte[] key : List.copyOf(retained)) {
      prune(key, horizon);
    }
  }

  /** Drops the versions of {@code key} that no reader at or after {@code horizon} can see. */
  private void prune(byte[] key, long horizon) {
    Version head = chains.get(key);
    if (head == null) {
      retained.remove(key);
      return;
    }
    List<Version> kept = new ArrayList<>(4);
    Version v = head;
    while (v != null && v.seq() > horizon) {
      kept.add(v);
      v = v.older();
    }
    if (v != null) {
      kept.add(v); // what a reader at the horizon sees
    }
    while (!kept.isEmpty() && kept.getLast().isTombstone()) {
      kept.removeLast(); // seeing this deletion and seeing no version are the same
    }
    int dropped = head.length() - kept.size();
    if (dropped > 0) {
      for (Version d = kept.isEmpty() ? head : kept.getLast().older(); d != null; d = d.older()) {
        versions--;
        bytes -= versionBytes(d.value());
      }
      if (kept.isEmpty()) {
        chains.remove(key);
        bytes -= KEY_OVERHEAD + key.length;
      } else {
        Version rebuilt = null;
        for (Version k : kept.reversed()) {
          rebuilt = new Version(k.seq(), k.value(), rebuilt);
        }
        chains.put(key, rebuilt);
      }
    }
    if (kept.size() > 1) {
      retained.add(key);
    } else {
      retained.remove(key);
    }
  }

  private static long versionBytes(byte[] value) {
    return VERSION_OVERHEAD + (value == null ? 0 : value.length);
  }

  /** Live keys as of the last write. */
  long liveKeys() {
    return liveKeys;
  }

  /** Versions held, tombstones included. */
  long versionCount() {
    return versions;
  }

  /** Estimated bytes held. */
  long memoryBytes() {
    return bytes;
  }

  /** Keys in the map, including those whose visible versions are only for pinned readers. */
  long storedKeys() {
    return chains.size();
  }

  /**
   * Verifies the structure: keys strictly ordered, each list non-empty with strictly decreasing
   * sequences none above the published one, no list ending in a tombstone, and the counters
   * matching what is there. Blocks writers while it runs.
   */
  ConsistencyReport check() {
    writeLock.lock();
    try {
      List<String> problems = new ArrayList<>();
      long seq = published;
      long countedVersions = 0;
      long countedLive = 0;
      long countedBytes = 0;
      byte[] previous = null;
      for (Map.Entry<byte[], Version> e : chains.entrySet()) {
        byte[] key = e.getKey();
        String where = "key " + Bytes.hex(key);
        if (previous != null && Bytes.compare(previous, key) >= 0) {
          problems.add(where + " does not order after " + Bytes.hex(previous));
        }
        previous = key;
        countedBytes += KEY_OVERHEAD + key.length;
        Version head = e.getValue();
        if (head == null) {
          problems.add(where + " has no versions");
          continue;
        }
        if (!head.isTombstone()) {
          countedLive++;
        }
        long newer = Long.MAX_VALUE;
        for (Version v = head; v != null; v = v.older()) {
          countedVersions++;
          countedBytes += versionBytes(v.value());
          if (v.seq() > seq) {
            problems.add(where + " has version " + v.seq() + " above published " + seq);
          }
          if (v.seq() < 1) {
            problems.add(where + " has version " + v.seq() + " below 1");
          }
          if (v.seq() >= newer) {
            problems.add(where + " has version " + v.seq() + " after newer version " + newer);
          }
          newer = v.seq();
          if (v.older() == null && v.isTombstone()) {
            problems.add(where + " ends in a tombstone at version " + v.seq());
          }
        }
      }
      compare(problems, "versions", versions, countedVersions);
      compare(problems, "live keys", liveKeys, countedLive);
      compare(problems, "memory bytes", bytes, countedBytes);
      for (byte[] key : retained) {
        if (!chains.containsKey(key)) {
          problems.add("retained key " + Bytes.hex(key) + " is not in the map");
        }
      }
      return new ConsistencyReport(countedVersions, problems);
    } finally {
      writeLock.unlock();
    }
  }

  private static void compare(List<String> problems, String what, long kept, long counted) {
    if (kept != counted) {
      problems.add("counter of " + what + " is " + kept + " but " + counted + " were found");
    }
  }

  /** Drops every version, for close. Readers still running see an empty store. */
  void clear() {
    writeLock.lock();
    try {
      chains.clear();
      retained.clear();
      liveKeys = 0;
      versions = 0;
      bytes = 0;
    } finally {
      writeLock.unlock();
    }
  }
}
