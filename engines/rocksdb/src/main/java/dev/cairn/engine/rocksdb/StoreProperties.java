package dev.cairn.engine.rocksdb;

import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.StorageIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * The store's and each keyspace's figures, read from RocksDB's properties ({@code GetProperty}).
 *
 * <p>Per column family: {@code rocksdb.estimate-num-keys} and the sizes of its table files and
 * memtables. For the store, the same summed over every keyspace, and the figures RocksDB keeps for
 * the whole database (running jobs, snapshots, the shared block cache). Stalls come from the {@code
 * rocksdb.cfstats} map ({@code total-delays} and {@code total-stops}: writes slowed or stopped). A
 * property that cannot be read is an error, never a made-up figure.
 */
final class StoreProperties {

  /** Per column family, summed over them for the store: detail name, RocksDB property. */
  private static final String[][] PER_FAMILY = {
    {"keys.estimate", "rocksdb.estimate-num-keys"},
    {"sst.bytes", "rocksdb.total-sst-files-size"},
    {"sst.live-bytes", "rocksdb.live-sst-files-size"},
    {"memtable.bytes", "rocksdb.cur-size-all-mem-tables"},
    {"table-readers.bytes", "rocksdb.estimate-table-readers-mem"},
    {"compaction.pending-bytes", "rocksdb.estimate-pending-compaction-bytes"},
    {"level0.files", "rocksdb.num-files-at-level0"}, // NB: a string property, not an int one
  };

  /** For the whole database: detail name, RocksDB property. */
  private static final String[][] PER_DATABASE = {
    {"compaction.running", "rocksdb.num-running-compactions"},
    {"flush.running", "rocksdb.num-running-flushes"},
    {"background-errors", "rocksdb.background-errors"},
    {"snapshots", "rocksdb.num-snapshots"},
    {"block-cache.pinned-bytes", "rocksdb.block-cache-pinned-usage"},
  };

  private final RocksDB db;
  private final Path directory;

  StoreProperties(RocksDB db, Path directory) {
    this.db = db;
    this.directory = directory;
  }

  /** The figures of one keyspace, and its standard details. */
  EngineStatistics keyspace(ColumnFamily cf) {
    Map<String, Long> details = new TreeMap<>();
    for (String[] p : PER_FAMILY) {
      details.put(p[0], property(cf.handle(), p[1]));
    }
    details.put(EngineStatistics.BACKGROUND_PENDING_BYTES, details.get("compaction.pending-bytes"));
    details.put(EngineStatistics.STALLS, stalls(cf.handle()));
    return new EngineStatistics(
        details.get("keys.estimate"),
        details.get("sst.bytes"),
        details.get("memtable.bytes") + details.get("table-readers.bytes"),
        details);
  }

  /**
   * The store's details: the per-keyspace figures summed over {@code families}, and the database's
   * own. The caller adds what the engine knows itself.
   */
  Map<String, Long> store(List<ColumnFamily> families) {
    Map<String, Long> details = new TreeMap<>();
    long stalls = 0;
    for (ColumnFamily cf : families) {
      for (String[] p : PER_FAMILY) {
        details.merge(p[0], property(cf.handle(), p[1]), Long::sum);
      }
      stalls += stalls(cf.handle());
    }
    for (String[] p : PER_DATABASE) {
      details.put(p[0], property(null, p[1]));
    }
    details.put(EngineStatistics.BACKGROUND_PENDING_BYTES, details.get("compaction.pending-bytes"));
    details.put(EngineStatistics.STALLS, stalls);
    details.put("keyspaces", (long) families.size());
    return details;
  }

  /** RocksDB's count of failed background jobs, retried ones included. */
  long backgroundErrors() {
    return property(null, "rocksdb.background-errors");
  }

  private long stalls(ColumnFamilyHandle cf) {
    Map<String, String> stats;
    try {
      stats = db.getMapProperty(cf, "rocksdb.cfstats");
    } catch (RocksDBException e) {
      throw RocksErrors.map("cannot read property rocksdb.cfstats of " + directory, e);
    }
    return number("rocksdb.cfstats total-delays", stats.get("total-delays"))
        + number("rocksdb.cfstats total-stops", stats.get("total-stops"));
  }

  /**
   * Reads a numeric property, of {@code cf} or (null) of the database. NB: through {@code
   * GetProperty}, which serves every property, not {@code GetIntProperty}, which fails for those
   * RocksDB keeps as strings (the per-level file counts).
   *
   * @throws StorageIOException naming the property
   */
  private long property(ColumnFamilyHandle cf, String name) {
    String value;
    try {
      value = cf == null ? db.getProperty(name) : db.getProperty(cf, name);
    } catch (RocksDBException e) {
      throw RocksErrors.map("cannot read property " + name + " of " + directory, e);
    }
    return number(name, value);
  }

  private long number(String name, String value) {
    try {
      return Long.parseLong(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      throw new StorageIOException(
          "property " + name + " of " + directory + " is not a number: '" + value + "'", e);
    }
  }
}
