package dev.cairn.engine.memory;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One keyspace's data: every key's list of {@link Version}s in a concurrent sorted map, versioned
 * by the store's sequence numbers (MVCC), and the sequences between which the keyspace exists.
 *
 * <p>Thread-safe. Writers hold the {@link Sequencer}'s write lock (see {@link Writer}); readers
 * take no lock.
 */
final class VersionedMap {

  // Design. A write takes the write lock, gives all its changes the sequence number after the
  // published one, puts each changed key's new version at the head of its list ("stage"), and only
  // then publishes the sequence (a volatile write, Sequencer.publish). A reader at sequence S
  // ignores versions newer than S, so it sees all of a batch or none of it, and a snapshot or
  // cursor that pins S sees the store as of S however long it lives. The sequence is the store's,
  // shared by its keyspaces, so the same holds for a batch over several keyspaces.
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
  //
  // The keyspace exists for readers at sequences from `created` (the write that created it) up to,
  // not including, `dropped` (the write that dropped it; LIVE until then). A dropped keyspace's
  // data stays as it was for the snapshots and cursors that still read below `dropped`, and is
  // released (Catalog.release) once the horizon reaches `dropped`.

  /** The {@link #dropped()} sequence of a keyspace not dropped. */
  static final long LIVE = Long.MAX_VALUE;

  /** Estimated bytes of a map entry besides its key: skip-list node, index share, array header. */
  static final long KEY_OVERHEAD = 64;

  /** Estimated bytes of a version besides its value: the object and the value's array header. */
  static final long VERSION_OVERHEAD = 48;

  private final String name;
  private final long created;
  private final Sequencer sequencer;
  private final ConcurrentSkipListMap<byte[], Version> chains =
      new ConcurrentSkipListMap<>(Bytes.ORDER);
  private volatile long dropped = LIVE;

  // Guarded by the write lock; the counters are volatile so statistics may read them without it.
  private final TreeSet<byte[]> retained = new TreeSet<>(Bytes.ORDER);
  private volatile long liveKeys;
  private volatile long liveBytes;
  private volatile long versions;
  private volatile long bytes;

  /**
   * @param created the sequence of the write that creates the keyspace (0 for the default one)
   */
  VersionedMap(String name, long created, Sequencer sequencer) {
    this.name = name;
    this.created = created;
    this.sequencer = sequencer;
  }

  /** The keyspace's name. */
  String name() {
    return name;
  }

  /** The sequence of the write that created the keyspace. */
  long created() {
    return created;
  }

  /** The sequence of the write that dropped the keyspace, or {@link #LIVE}. */
  long dropped() {
    return dropped;
  }

  /** True when a reader at {@code seq} sees this keyspace. */
  boolean existsAt(long seq) {
    return created <= seq && seq < dropped;
  }

  /**
   * True when a reader at the latest published write sees this keyspace: it was created and not
   * dropped. A create or drop counts from its publication, as every write does.
   */
  boolean isLive() {
    return existsAt(sequencer.published());
  }

  /** Records the drop at {@code seq}, before it is published. The caller holds the write lock. */
  void markDropped(long seq) {
    dropped = seq;
  }

  /** The value of {@code key} as of the latest published write, or null; not copied. */
  byte[] getLatest(byte[] key) {
    Version head = chains.get(key);
    if (head == null) {
      return null;
    }
    // NB: the published sequence is read after the list is fetched; see the design note.
    Version v = Version.visible(head, sequencer.published());
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
    return slice(chains, lower, upper);
  }

  /** The view of a sorted map between two bounds (null for none). */
  static <V> NavigableMap<byte[], V> slice(
      NavigableMap<byte[], V> map, KeyRange.Bound lower, KeyRange.Bound upper) {
    if (lower != null && upper != null) {
      return map.subMap(lower.key(), lower.inclusive(), upper.key(), upper.inclusive());
    }
    if (lower != null) {
      return map.tailMap(lower.key(), lower.inclusive());
    }
    if (upper != null) {
      return map.headMap(upper.key(), upper.inclusive());
    }
    return map;
  }

  /** The entries of {@code range}; see {@link #slice(KeyRange.Bound, KeyRange.Bound)}. */
  NavigableMap<byte[], Version> slice(KeyRange range) {
    return slice(range.lower(), range.upper());
  }

  /** The number of live keys of {@code range} a reader at {@code readSeq} sees. */
  long countAt(KeyRange range, long readSeq) {
    long n = 0;
    for (Version head : slice(range).values()) {
      Version v = Version.visible(head, readSeq);
      if (v != null && !v.isTombstone()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The bytes of the live keys of {@code range} and their values a reader at {@code readSeq} sees.
   */
  long sizeAt(KeyRange range, long readSeq) {
    long n = 0;
    for (Map.Entry<byte[], Version> e : slice(range).entrySet()) {
      Version v = Version.visible(e.getValue(), readSeq);
      if (v != null && !v.isTombstone()) {
        n += e.getKey().length + (long) v.value().length;
      }
    }
    return n;
  }

  /**
   * Puts a new version at {@code seq} for each of {@code changes} (a null value deletes), not yet
   * visible to readers: the caller publishes {@code seq} next, then prunes what this added to
   * {@code touched}. Keys and values are kept as given: the caller hands over arrays nobody else
   * holds. The caller holds the write lock.
   */
  void stage(SortedMap<byte[], byte[]> changes, long seq, List<byte[]> touched) {
    for (Map.Entry<byte[], byte[]> change : changes.entrySet()) {
      if (stage(change.getKey(), change.getValue(), seq)) {
        touched.add(change.getKey());
      }
    }
  }

  /**
   * Puts one new version at {@code seq}, as {@link #stage(SortedMap, long, List)} does.
   *
   * @return false when there was nothing to record (a delete of a key no reader can see)
   */
  boolean stage(byte[] key, byte[] value, long seq) {
    Version head = chains.get(key);
    if (head == null && value == null) {
      return false;
    }
    boolean wasLive = head != null && !head.isTombstone();
    if (wasLive) {
      liveKeys--;
      liveBytes -= key.length + (long) head.value().length;
    }
    if (value != null) {
      liveKeys++;
      liveBytes += key.length + (long) value.length;
    }
    if (head == null) {
      bytes += KEY_OVERHEAD + key.length;
    }
    versions++;
    bytes += versionBytes(value);
    chains.put(key, new Version(seq, value, head));
    return true;
  }

  /** True when some keys hold old versions for pinned readers. The caller holds the write lock. */
  boolean retainsVersions() {
    return !retained.isEmpty();
  }

  /** Prunes every retained key at {@code horizon}. The caller holds the write lock. */
  void sweep(long horizon) {
    for (byte[] key : List.copyOf(retained)) {
      prune(key, horizon);
    }
  }

  /**
   * Drops the versions of {@code key} that no reader at or after {@code horizon} can see. The
   * caller holds the write lock.
   */
  void prune(byte[] key, long horizon) {
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

  /** Bytes of the live keys and their values as of the last write. */
  long liveBytes() {
    return liveBytes;
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
   * Verifies the structure and adds what is wrong to {@code problems}: keys strictly ordered, each
   * list non-empty with strictly decreasing sequences none above {@code published} nor below the
   * keyspace's creation, no list ending in a tombstone, and the counters matching what is there.
   * The caller holds the write lock.
   *
   * @return the number of versions checked
   */
  long check(long published, List<String> problems) {
    long countedVersions = 0;
    long countedLive = 0;
    long countedLiveBytes = 0;
    long countedBytes = 0;
    String in = Keyspace.DEFAULT.equals(name) ? "" : " in keyspace '" + name + "'";
    byte[] previous = null;
    for (Map.Entry<byte[], Version> e : chains.entrySet()) {
      byte[] key = e.getKey();
      String where = "key " + Bytes.hex(key) + in;
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
        countedLiveBytes += key.length + (long) head.value().length;
      }
      long newer = Long.MAX_VALUE;
      for (Version v = head; v != null; v = v.older()) {
        countedVersions++;
        countedBytes += versionBytes(v.value());
        if (v.seq() > published) {
          problems.add(where + " has version " + v.seq() + " above published " + published);
        }
        if (v.seq() <= created) {
          problems.add(
              where + " has version " + v.seq() + " not after the keyspace's creation " + created);
        }
        if (v.seq() >= dropped) {
          problems.add(where + " has version " + v.seq() + " after the keyspace's drop " + dropped);
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
    compare(problems, "versions" + in, versions, countedVersions);
    compare(problems, "live keys" + in, liveKeys, countedLive);
    compare(problems, "live bytes" + in, liveBytes, countedLiveBytes);
    compare(problems, "memory bytes" + in, bytes, countedBytes);
    for (byte[] key : retained) {
      if (!chains.containsKey(key)) {
        problems.add("retained key " + Bytes.hex(key) + in + " is not in the map");
      }
    }
    return countedVersions;
  }

  private static void compare(List<String> problems, String what, long kept, long counted) {
    if (kept != counted) {
      problems.add("counter of " + what + " is " + kept + " but " + counted + " were found");
    }
  }

  /**
   * Drops every version, when the store closes or no reader can see the keyspace any more. Readers
   * still running see it empty. The caller holds the write lock.
   */
  void clear() {
    chains.clear();
    retained.clear();
    liveKeys = 0;
    liveBytes = 0;
    versions = 0;
    bytes = 0;
  }
}
