package dev.cairn.engine.lsm;

import com.google.common.collect.ImmutableRangeMap;
import com.google.common.collect.Range;
import com.google.common.collect.RangeMap;
import com.google.common.collect.TreeRangeMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Range tombstones, fragmented (Pebble's {@code internal/keyspan} fragmenter): a range delete with
 * sequence {@code T} over the store keys {@code [start, end)} hides every entry of those keys with
 * a sequence below {@code T} from readers at or above {@code T}. Overlapping tombstones are cut at
 * each other's ends into <em>fragments</em> that never overlap, each carrying the sequences of
 * every tombstone over it, newest first; so the tombstones over a key are those of the one fragment
 * holding it, found by a binary search (a Guava {@link RangeMap} of closed-open ranges).
 *
 * <p>A tombstone is one operation of a batch: it has its own sequence number, in order with the
 * batch's puts and deletes, and is logged as it was written ({@code docs/formats/lsm-wal.md}).
 * Memtables keep theirs beside the point entries ({@link MemTable}), tables in a range-deletion
 * block ({@code docs/formats/lsm-table.md}) loaded when the table opens.
 *
 * <p>Immutable; thread-safe. The arrays are never modified.
 */
final class RangeTombstones {

  /**
   * One range delete.
   *
   * @param start the first store key it deletes
   * @param end the store key after the last it deletes (exclusive); above {@code start}
   * @param sequence its sequence number
   */
  record Tombstone(byte[] start, byte[] end, long sequence) {}

  /**
   * A piece of the key space and the tombstones over all of it.
   *
   * @param start its first store key
   * @param end the store key after it (exclusive)
   * @param sequences the tombstones' sequence numbers, newest first, no repeats
   */
  record Fragment(byte[] start, byte[] end, long[] sequences) {

    /** The newest sequence at or below {@code readSequence}, or 0 if there is none. */
    long newestAtOrBelow(long readSequence) {
      for (long s : sequences) {
        if (s <= readSequence) {
          return s;
        }
      }
      return 0;
    }

    /** The oldest sequence above {@code sequence}, or 0 if there is none. */
    long oldestAbove(long sequence) {
      long found = 0;
      for (long s : sequences) {
        if (s > sequence) {
          found = s;
        } else {
          break;
        }
      }
      return found;
    }
  }

  /** A store key ordered as store keys order (unsigned bytes); for the range map. */
  record Key(byte[] bytes) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return dev.cairn.engine.toolkit.Bytes.hex(bytes);
    }
  }

  static final RangeTombstones EMPTY = new RangeTombstones(ImmutableRangeMap.of());

  private final ImmutableRangeMap<Key, long[]> map;
  private final List<Fragment> fragments;
  private final int count;
  private final long smallestSequence;
  private final long largestSequence;

  private RangeTombstones(ImmutableRangeMap<Key, long[]> map) {
    this.map = map;
    List<Fragment> f = new ArrayList<>();
    int n = 0;
    long lo = Long.MAX_VALUE;
    long hi = 0;
    for (Map.Entry<Range<Key>, long[]> e : map.asMapOfRanges().entrySet()) {
      long[] seqs = e.getValue();
      f.add(
          new Fragment(
              e.getKey().lowerEndpoint().bytes(), e.getKey().upperEndpoint().bytes(), seqs));
      n += seqs.length;
      lo = Math.min(lo, seqs[seqs.length - 1]);
      hi = Math.max(hi, seqs[0]);
    }
    this.fragments = List.copyOf(f);
    this.count = n;
    this.smallestSequence = n == 0 ? 0 : lo;
    this.largestSequence = hi;
  }

  /** A builder: collects tombstones (in any order, overlapping or not) and fragments them. */
  static final class Builder {
    private final TreeRangeMap<Key, long[]> map = TreeRangeMap.create();
    private int added;

    /** Adds a tombstone; one with {@code start} at or after {@code end} deletes nothing. */
    Builder add(byte[] start, byte[] end, long sequence) {
      if (Arrays.compareUnsigned(start, end) >= 0) {
        return this;
      }
      map.merge(
          Range.closedOpen(new Key(start), new Key(end)),
          new long[] {sequence},
          RangeTombstones::union);
      added++;
      return this;
    }

    Builder addAll(RangeTombstones t) {
      for (Fragment f : t.fragments) {
        for (long s : f.sequences) {
          add(f.start, f.end, s);
        }
      }
      return this;
    }

    boolean isEmpty() {
      return added == 0;
    }

    RangeTombstones build() {
      return added == 0 ? EMPTY : new RangeTombstones(ImmutableRangeMap.copyOf(map));
    }
  }

  static Builder builder() {
    return new Builder();
  }

  /** The sequences of {@code a} and {@code b}, newest first, without repeats. */
  private static long[] union(long[] a, long[] b) {
    long[] out = new long[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length || j < b.length) {
      long next;
      if (j >= b.length || (i < a.length && a[i] >= b[j])) {
        next = a[i++];
      } else {
        next = b[j++];
      }
      if (n == 0 || out[n - 1] != next) {
        out[n++] = next;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  boolean isEmpty() {
    return count == 0;
  }

  /** How many tombstones the fragments hold: one per fragment and sequence. */
  int size() {
    return count;
  }

  List<Fragment> fragments() {
    return fragments;
  }

  long smallestSequence() {
    return smallestSequence;
  }

  long largestSequence() {
    return largestSequence;
  }

  /**
   * The newest sequence of a tombstone over {@code storeKey} that a reader at {@code readSequence}
   * sees, or 0 if none: an entry of the key with a lower sequence is deleted for that reader.
   */
  long covering(byte[] storeKey, long readSequence) {
    if (count == 0) {
      return 0;
    }
    long[] seqs = map.get(new Key(storeKey));
    if (seqs == null) {
      return 0;
    }
    for (long s : seqs) {
      if (s <= readSequence) {
        return s;
      }
    }
    return 0;
  }

  /** The fragment holding {@code storeKey}, or null. */
  Fragment fragmentAt(byte[] storeKey) {
    if (count == 0) {
      return null;
    }
    Map.Entry<Range<Key>, long[]> e = map.getEntry(new Key(storeKey));
    return e == null
        ? null
        : new Fragment(
            e.getKey().lowerEndpoint().bytes(), e.getKey().upperEndpoint().bytes(), e.getValue());
  }

  /** These tombstones with sequences at or below {@code maxSequence}. */
  RangeTombstones atOrBelow(long maxSequence) {
    if (largestSequence <= maxSequence) {
      return this;
    }
    Builder b = builder();
    for (Fragment f : fragments) {
      for (long s : f.sequences) {
        if (s <= maxSequence) {
          b.add(f.start, f.end, s);
        }
      }
    }
    return b.build();
  }

  /**
   * These tombstones cut to the store keys {@code [from, to)} (null: unbounded); for a compaction
   * output, whose tombstones stay within its share of the key space.
   */
  RangeTombstones clip(byte[] from, byte[] to) {
    if (count == 0 || (from == null && to == null)) {
      return this;
    }
    Builder b = builder();
    for (Fragment f : fragments) {
      byte[] start = from != null && Arrays.compareUnsigned(f.start, from) < 0 ? from : f.start;
      byte[] end = to != null && Arrays.compareUnsigned(f.end, to) > 0 ? to : f.end;
      for (long s : f.sequences) {
        b.add(start, end, s); // NB: empty when the fragment lies outside
      }
    }
    return b.build();
  }

  /** The first store key a tombstone deletes; the set must not be empty. */
  byte[] smallestKey() {
    return fragments.getFirst().start();
  }

  /** The store key after the last a tombstone deletes; the set must not be empty. */
  byte[] largestEnd() {
    return fragments.getLast().end();
  }

  /**
   * The key a table records as its first when its first key is a tombstone's start: the tombstone
   * itself, as an internal key of kind {@link InternalKey#RANGE_DELETE}.
   */
  InternalKey smallestInternalKey() {
    Fragment f = fragments.getFirst();
    return new InternalKey(
        f.start(), InternalKey.trailer(f.sequences()[0], InternalKey.RANGE_DELETE));
  }

  /**
   * The key a table records as its last when its last key is a tombstone's end: the <em>range
   * sentinel</em> of the end ({@link InternalKey#rangeSentinel}), which orders before every entry
   * of that key, since the end itself is not deleted.
   */
  InternalKey largestInternalKey() {
    return InternalKey.rangeSentinel(largestEnd());
  }
}
