package dev.cairn.engine.lsm;

import java.util.Arrays;
import java.util.List;

/**
 * What a compaction does with range tombstones (RocksDB's {@code CompactionRangeDelAggregator}):
 * the inputs' tombstones are merged and fragmented; a point entry they delete for every reader that
 * could see it is dropped; the tombstones still needed go to the outputs, each output getting its
 * share of the key space ({@link RangeTombstones#clip}).
 *
 * <p>Readers are the open snapshots (their sequences, pinned) and readers at the latest sequence,
 * which see every tombstone of the inputs. Between two snapshots (a <em>stripe</em>) every reader
 * sees the same, so:
 *
 * <ul>
 *   <li>an entry at sequence {@code s} under a tombstone at {@code T > s} is dropped when no
 *       snapshot reads at a sequence in {@code [s, T)}: every reader that sees the entry sees the
 *       tombstone too;
 *   <li>a tombstone is dropped when a newer one over the same fragment is in its stripe (it hides
 *       nothing the newer one does not), or, at the bottom, when every reader sees it ({@code T} at
 *       or below the oldest snapshot) and no deeper level may hold a key of its range: then the
 *       entries it deleted were all dropped here, and nothing older remains below for it to hide;
 *   <li>a tombstone of a keyspace dropped before every open reader is dropped with its entries.
 * </ul>
 *
 * <p>Not thread-safe: the compaction thread's.
 */
final class CompactionTombstones {

  private final RangeTombstones all;
  private final long[] snapshots;
  private final long smallestSnapshot;
  private long rangeTombstonesDropped;

  /**
   * @param inputs every input table of the compaction
   * @param snapshots the open snapshots' sequences, ascending
   * @param smallestSnapshot the oldest sequence a reader may read at
   */
  CompactionTombstones(List<TableFile> inputs, long[] snapshots, long smallestSnapshot) {
    RangeTombstones.Builder b = RangeTombstones.builder();
    for (TableFile f : inputs) {
      b.addAll(f.table().rangeTombstones());
    }
    this.all = b.build();
    this.snapshots = snapshots;
    this.smallestSnapshot = smallestSnapshot;
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  /** Whether an open snapshot reads at a sequence in {@code [from, to)}. */
  private boolean snapshotIn(long from, long to) {
    int i = Arrays.binarySearch(snapshots, from);
    int at = i >= 0 ? i : -i - 1;
    return at < snapshots.length && snapshots[at] < to;
  }

  /**
   * Whether the inputs' tombstones delete the entry of {@code storeKey} at {@code sequence} for
   * every reader that sees it.
   */
  boolean deletes(byte[] storeKey, long sequence) {
    if (all.isEmpty()) {
      return false;
    }
    RangeTombstones.Fragment f = all.fragmentAt(storeKey);
    if (f == null) {
      return false;
    }
    long t = f.oldestAbove(sequence);
    return t > 0 && !snapshotIn(sequence, t);
  }

  /**
   * The tombstones the outputs keep.
   *
   * @param version the version compacted
   * @param outputLevel the level the outputs go to
   * @param catalog the keyspaces, for dropped ones
   */
  RangeTombstones kept(Version version, int outputLevel, KeyspaceCatalog catalog) {
    RangeTombstones.Builder out = RangeTombstones.builder();
    for (RangeTombstones.Fragment f : all.fragments()) {
      if (catalog.purgeable(f.start(), smallestSnapshot)) {
        rangeTombstonesDropped += f.sequences().length;
        continue;
      }
      boolean bottom = isBottommostFor(version, outputLevel, f.start(), f.end());
      long newer = 0;
      for (long t : f.sequences()) {
        boolean redundant = newer > 0 && !snapshotIn(t, newer);
        boolean obsolete = bottom && t <= smallestSnapshot;
        newer = t;
        if (redundant || obsolete) {
          rangeTombstonesDropped++;
        } else {
          out.add(f.start(), f.end(), t);
        }
      }
    }
    return out.build();
  }

  /** How many tombstones (per fragment and sequence) {@link #kept} dropped. */
  long dropped() {
    return rangeTombstonesDropped;
  }

  /** Whether no level below {@code level} may hold a store key in {@code [start, end)}. */
  private static boolean isBottommostFor(Version v, int level, byte[] start, byte[] end) {
    for (int l = level + 1; l < Version.LEVELS; l++) {
      for (TableFile f : v.level(l)) {
        if (f.meta().overlaps(start, end)) {
          return false;
        }
      }
    }
    return true;
  }
}
