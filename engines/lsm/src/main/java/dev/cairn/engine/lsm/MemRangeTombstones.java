package dev.cairn.engine.lsm;

/**
 * A memtable's range tombstones, beside its point entries: the writer adds them to a fragmenting
 * builder; readers take an immutable, fragmented copy ({@link RangeTombstones}), rebuilt only when
 * a tombstone was added since the last copy (Pebble caches a memtable's fragmented tombstones the
 * same way). Most memtables have none, and then a reader takes no lock.
 *
 * <p><b>Visibility.</b> The writer adds a tombstone before it publishes the tombstone's sequence,
 * and counts it (a volatile write) after adding it; a reader at a published sequence reads the
 * count, and a copy made at or after that count holds every tombstone the reader may see.
 *
 * <p>Thread-safe: one writer adds, any number read.
 */
final class MemRangeTombstones {

  private final RangeTombstones.Builder builder = RangeTombstones.builder(); // guarded by this
  private volatile int added;
  private volatile Snapshot copy = new Snapshot(0, RangeTombstones.EMPTY);

  private record Snapshot(int added, RangeTombstones tombstones) {}

  /** Adds a tombstone; by the writer only. */
  void add(byte[] start, byte[] end, long sequence) {
    synchronized (this) {
      builder.add(start, end, sequence);
    }
    added++; // NB: one writer, so no lost update
  }

  boolean isEmpty() {
    return added == 0;
  }

  /** Every tombstone added so far (and maybe some added meanwhile), fragmented. */
  RangeTombstones get() {
    int n = added;
    Snapshot c = copy;
    if (c.added() >= n) {
      return c.tombstones();
    }
    synchronized (this) {
      c = copy;
      if (c.added() >= added) {
        return c.tombstones();
      }
      int now = added;
      Snapshot fresh = new Snapshot(now, builder.build());
      copy = fresh;
      return fresh.tombstones();
    }
  }
}
