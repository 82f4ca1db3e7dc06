package dev.cairn.runtime.migrate;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.Arrays;

/**
 * Makes one range of the target equal to the same range of a source view: deletes the target's keys
 * the source lacks, writes the source's entries the target lacks or holds with another value. An
 * online migration repairs the ranges its verification found different, which happens when a copy
 * resumed after a crash: the entries copied before the crash came from an older state of the
 * source, and the writes made since were captured by a process that is gone.
 *
 * <p>Reads the range from {@code source} and {@code targetView} (two snapshots taken at one
 * moment); writes to {@code target}, whose later writes are the replay's business.
 */
final class Repair {

  private Repair() {}

  /** Repairs {@code range} of keyspace {@code name}; returns the entries written or deleted. */
  static long range(
      String name,
      RangeChecksums.Range range,
      ReadView source,
      ReadView targetView,
      StorageEngine target,
      int batchEntries) {
    long changed = 0;
    WriteBatch batch = new WriteBatch();
    try (Cursor t = cursor(targetView, range)) {
      while (t.next()) {
        byte[] key = t.key();
        if (range.contains(key) && source.get(key) == null) {
          batch.delete(name, key);
          changed++;
          batch = flushIfFull(batch, target, batchEntries);
        }
      }
    }
    try (Cursor s = cursor(source, range)) {
      while (s.next()) {
        byte[] key = s.key();
        if (!range.contains(key)) {
          continue;
        }
        byte[] value = s.value();
        if (!Arrays.equals(targetView.get(key), value)) {
          batch.put(name, key, value);
          changed++;
          batch = flushIfFull(batch, target, batchEntries);
        }
      }
    }
    if (!batch.isEmpty()) {
      target.write(batch, Durability.BUFFERED);
    }
    return changed;
  }

  private static WriteBatch flushIfFull(WriteBatch batch, StorageEngine target, int max) {
    if (batch.size() < max) {
      return batch;
    }
    target.write(batch, Durability.BUFFERED);
    return new WriteBatch();
  }

  /** A cursor over the range's keys where the view can bound it, else over everything. */
  private static Cursor cursor(ReadView view, RangeChecksums.Range range) {
    if (range.isBucket() || (range.lower() == null && range.upper() == null)) {
      return view.cursor();
    }
    KeyRange keys =
        new KeyRange(
            range.lower() == null ? null : new KeyRange.Bound(range.lower(), true),
            range.upper() == null ? null : new KeyRange.Bound(range.upper(), false));
    return view.cursor(keys, Direction.FORWARD);
  }
}
