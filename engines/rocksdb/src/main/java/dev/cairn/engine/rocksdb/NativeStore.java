package dev.cairn.engine.rocksdb;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Filter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The native objects of one open store, made together by {@link #open} and freed together by {@link
 * #close()}: the database with its column families ({@link Keyspaces}), the options it was opened
 * with, the block cache and bloom filter, the read and write options every call shares, and the
 * listener of background errors.
 *
 * <p>Every column family gets the same options: its own memtables of {@code write-buffer.size}, the
 * one block cache, the same compression and filter.
 *
 * @param directory the store's directory, absolute
 * @param db the database
 * @param keyspaces its column families
 * @param blockCache the block cache, shared by every column family
 * @param syncWrites write options for {@code SYNC}
 * @param bufferedWrites write options for {@code BUFFERED}
 * @param reads read options for reads of the latest state
 * @param failStop the store's failed state
 * @param backgroundErrors the listener RocksDB reports background errors to
 * @param owned the rest, freed after the database in reverse order
 */
record NativeStore(
    Path directory,
    RocksDB db,
    Keyspaces keyspaces,
    LRUCache blockCache,
    WriteOptions syncWrites,
    WriteOptions bufferedWrites,
    ReadOptions reads,
    FailStop failStop,
    BackgroundErrors backgroundErrors,
    List<AbstractNativeReference> owned) {

  /**
   * Opens the store, letting {@code tuning} adjust RocksDB's options last (for tests: a space limit
   * that fails table-file writes, a level-0 stop trigger); they apply to the database and to every
   * column family alike.
   */
  static NativeStore open(
      EngineOptions options, RocksDbSettings settings, Consumer<Options> tuning) {
    Path dir =
        StoreDirectory.prepare(
            options.requireDirectory(RocksDbProvider.NAME), options.createIfMissing());
    RocksDB.loadLibrary();
    List<AbstractNativeReference> owned = new ArrayList<>();
    FailStop failStop = new FailStop(dir);
    RocksDB db = null;
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      BackgroundErrors backgroundErrors = add(owned, new BackgroundErrors(dir, failStop));
      List<AbstractEventListener> listeners = new ArrayList<>(List.of(backgroundErrors));
      if (options.eventListener() != EngineEventListener.NONE) {
        listeners.add(add(owned, new WorkEvents(options.eventListener(), dir)));
      }
      LRUCache cache = add(owned, new LRUCache(settings.blockCacheBytes()));
      BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache);
      if (settings.bloomBitsPerKey() > 0) {
        Filter bloom = add(owned, new BloomFilter(settings.bloomBitsPerKey()));
        table.setFilterPolicy(bloom);
      }
      Options rocksOptions =
          add(owned, new Options())
              .setCreateIfMissing(options.createIfMissing())
              .setWriteBufferSize(settings.writeBufferBytes())
              .setCompressionType(settings.compression())
              .setTableFormatConfig(table)
              // NB: BUFFERED relies on this: each write hands its WAL record to the OS.
              .setManualWalFlush(false)
              .setMaxBackgroundJobs(2)
              .setKeepLogFileNum(3)
              .setListeners(listeners);
      tuning.accept(rocksOptions);
      DBOptions dbOptions = add(owned, new DBOptions(rocksOptions));
      ColumnFamilyOptions familyOptions = add(owned, new ColumnFamilyOptions(rocksOptions));
      boolean noSlowdown = settings.busyWhenStalled();
      WriteOptions sync = add(owned, new WriteOptions().setSync(true).setNoSlowdown(noSlowdown));
      WriteOptions buffered =
          add(owned, new WriteOptions().setSync(false).setNoSlowdown(noSlowdown));
      ReadOptions reads = add(owned, new ReadOptions());
      List<ColumnFamilyDescriptor> descriptors =
          Keyspaces.descriptors(rocksOptions, dir, familyOptions);
      long walBytes = walBytes(dir);
      long start = System.nanoTime();
      String outcome = "failed";
      try {
        db =
            options.readOnly()
                ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)
                : RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        outcome = descriptors.size() + " keyspaces";
      } finally {
        options
            .eventListener()
            .deliver(
                EngineEvent.of(
                    EngineEvent.Kind.RECOVERY,
                    System.nanoTime() - start,
                    walBytes,
                    "open of " + dir + " (write-ahead logs replayed): " + outcome));
      }
      Keyspaces keyspaces = new Keyspaces(db, familyOptions, descriptors, handles);
      return new NativeStore(
          dir, db, keyspaces, cache, sync, buffered, reads, failStop, backgroundErrors, owned);
    } catch (RocksDBException e) {
      release(db, handles, owned);
      throw RocksErrors.mapOpen(dir, e);
    } catch (RuntimeException | Error e) {
      release(db, handles, owned);
      throw e;
    }
  }

  /** The bytes of the write-ahead logs in {@code dir}: what opening it replays. */
  private static long walBytes(Path dir) {
    long bytes = 0;
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*.log")) {
      for (Path p : logs) {
        bytes += Files.size(p);
      }
      return bytes;
    } catch (IOException | RuntimeException e) {
      return -1; // only a figure for the event; opening reports what is wrong
    }
  }

  private static void release(
      RocksDB db, List<ColumnFamilyHandle> handles, List<AbstractNativeReference> owned) {
    handles.forEach(ColumnFamilyHandle::close);
    if (db != null) {
      db.close();
    }
    closeAll(owned);
  }

  private static <T extends AbstractNativeReference> T add(
      List<AbstractNativeReference> owned, T object) {
    owned.add(object);
    return object;
  }

  private static void closeAll(List<AbstractNativeReference> owned) {
    for (int i = owned.size() - 1; i >= 0; i--) {
      owned.get(i).close();
    }
    owned.clear();
  }

  /**
   * Frees the column family handles, the database, then everything else. The caller closed every
   * cursor and snapshot first, and no call is in flight.
   *
   * @throws StorageIOException (or another mapped error) if RocksDB fails to close; all is freed
   *     all the same
   */
  void close() {
    keyspaces.close();
    RocksDBException failed = null;
    try {
      db.closeE();
    } catch (RocksDBException e) {
      failed = e;
    } finally {
      closeAll(owned);
    }
    if (failed != null) {
      throw RocksErrors.map("closing RocksDB store in " + directory + " failed", failed);
    }
  }
}
