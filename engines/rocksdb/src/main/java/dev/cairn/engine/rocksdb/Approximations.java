package dev.cairn.engine.rocksdb;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.KeyRange;
import java.util.List;
import java.util.Map;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Range;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SizeApproximationFlag;
import org.rocksdb.Slice;

/**
 * Estimates of how many keys, and how many bytes of keys and values, a range of one column family
 * holds, from RocksDB's metadata instead of a scan.
 *
 * <p>How: the memtables answer for themselves ({@code GetApproximateMemTableStats}: entries and
 * bytes in the range, less the 8 bytes RocksDB adds to each key). For the table files, {@code
 * GetApproximateSizes} gives the bytes of the range as stored (compressed, from the files' index
 * positions); its share of the files' data, index and filter blocks (from the column family's
 * aggregated table properties) is the share of their entries (less deletions) and of their raw key
 * and value bytes the range holds.
 *
 * <p>The error, documented in {@code docs/engines/rocksdb.md}: overwritten versions, point
 * tombstones and keys under a range tombstone count until compaction drops them; memtable bytes
 * include RocksDB's per-entry overhead (about 20 to 30 bytes: sequence number, type, lengths, skip
 * list node); a range within one data block of a file may count as nothing. So below {@link
 * #EXACT_BELOW} estimated entries the store counts the range with a cursor instead: small ranges
 * are exact, and a scan that short costs about what the metadata calls do.
 */
final class Approximations {

  /** Ranges estimated at fewer entries than this are counted exactly. */
  static final long EXACT_BELOW = 1024;

  /** The sequence number and type RocksDB appends to every key it stores, in bytes. */
  private static final long INTERNAL_KEY_SUFFIX = 8;

  private Approximations() {}

  /**
   * An estimate.
   *
   * @param count entries
   * @param bytes bytes of keys and values
   */
  record Estimate(long count, long bytes) {}

  static Estimate of(RocksDB db, ColumnFamilyHandle cf, KeyRange range) throws RocksDBException {
    RangeBounds bounds = RangeBounds.of(range);
    if (bounds == null) {
      return new Estimate(0, 0);
    }
    try (Slice begin = new Slice(bounds.begin());
        Slice end = new Slice(bounds.end())) {
      Range r = new Range(begin, end);
      RocksDB.CountAndSize memtables = db.getApproximateMemTableStats(cf, r);
      long stored = db.getApproximateSizes(cf, List.of(r), SizeApproximationFlag.INCLUDE_FILES)[0];
      Map<String, String> tables = db.getMapProperty(cf, "rocksdb.aggregated-table-properties");
      // NB: a file wholly in the range counts its filter and index blocks too
      long data =
          number(tables, "data_size")
              + number(tables, "index_size")
              + number(tables, "filter_size");
      long count = memtables.count;
      long bytes = memtables.size - INTERNAL_KEY_SUFFIX * memtables.count;
      if (data > 0 && stored > 0) {
        double share = Math.min(1.0, (double) stored / data);
        long entries = number(tables, "num_entries");
        long live =
            entries - number(tables, "num_deletions") - number(tables, "num_range_deletions");
        long raw =
            number(tables, "raw_key_size")
                - INTERNAL_KEY_SUFFIX * entries
                + number(tables, "raw_value_size");
        count += (long) (share * Math.max(0, live));
        bytes += (long) (share * Math.max(0, raw));
      }
      return new Estimate(Math.max(0, count), Math.max(0, bytes));
    }
  }

  /** The entries {@code c} visits: the exact count. */
  static long count(Cursor c) {
    long n = 0;
    while (c.next()) {
      n++;
    }
    return n;
  }

  /** The bytes of the keys and values {@code c} visits: the exact size. */
  static long bytes(Cursor c) {
    long bytes = 0;
    while (c.next()) {
      bytes += c.keyView().size() + (long) c.valueView().size();
    }
    return bytes;
  }

  private static long number(Map<String, String> properties, String name) {
    String v = properties.get(name);
    if (v == null) {
      return 0;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
