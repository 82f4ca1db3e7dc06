package dev.cairn.engine.rocksdb;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.InvalidStateException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The store's consistency check: every table file's block checksums ({@code VerifyChecksum}), then
 * a scan of every key of every keyspace with checksums verified, checking that keys come in
 * strictly increasing unsigned order. Corruption is a problem reported; any other failure throws.
 */
final class ConsistencyCheck {

  private ConsistencyCheck() {}

  /** Runs the check; the caller is inside the store's guard. */
  static ConsistencyReport run(RocksDB db, Path directory, Keyspaces keyspaces) {
    List<String> problems = new ArrayList<>();
    long items = 0;
    try {
      db.verifyChecksum();
      items += db.getLiveFilesMetaData().size();
    } catch (RocksDBException e) {
      if (!RocksErrors.isCorruption(e)) {
        throw RocksErrors.map("checksum verification failed in " + directory, e);
      }
      problems.add("table checksum: " + e.getMessage());
    }
    for (ColumnFamily cf : keyspaces.all()) {
      String where = cf == keyspaces.defaultFamily() ? "" : "keyspace '" + cf.name() + "': ";
      try {
        cf.enter();
      } catch (InvalidStateException dropped) {
        continue; // dropped while the check ran: nothing left to check
      }
      try {
        items += checkOrder(db, cf, where, problems);
      } catch (RocksDBException e) {
        if (!RocksErrors.isCorruption(e)) {
          throw RocksErrors.map("scan failed in " + directory, e);
        }
        problems.add(where + "scan: " + e.getMessage());
      } finally {
        cf.exit();
      }
    }
    return new ConsistencyReport(items, problems);
  }

  private static long checkOrder(RocksDB db, ColumnFamily cf, String where, List<String> problems)
      throws RocksDBException {
    long items = 0;
    try (ReadOptions ro = new ReadOptions().setVerifyChecksums(true);
        RocksIterator it = db.newIterator(cf.handle(), ro)) {
      byte[] previous = null;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
          problems.add(where + "key order: " + hex(key) + " follows " + hex(previous));
        }
        previous = key;
        items++;
      }
      it.status();
    }
    return items;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
