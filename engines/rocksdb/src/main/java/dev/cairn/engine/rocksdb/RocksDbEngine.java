package dev.cairn.engine.rocksdb;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.Filter;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * An open RocksDB store behind the SPI.
 *
 * <p>Thread-safe. Owns every native object it creates (the database, its options, the block cache,
 * the bloom filter, read and write options, and each cursor's iterator and each snapshot) and frees
 * each exactly once. Every call {@linkplain OpenGuard enters} the engine's guard, so {@link
 * #close()} waits for calls in flight before it frees anything: no native object is used after it
 * is freed, which in RocksJava would crash the process instead of throwing.
 *
 * <p>Fail-stop: when a write fails with an I/O error (an fsync that failed, a full disk), or any of
 * RocksDB's background work fails (a table file that cannot be written, a compaction; heard by
 * {@link BackgroundErrors}), the store stops: every later write and {@link #flush()} throws {@link
 * EngineFailedException} until the store is reopened, and {@link #statistics()} reports {@code
 * fail-stopped=1}. Reads go on.
 */
final class RocksDbEngine implements StorageEngine {

  private final Path directory;
  private final boolean readOnly;
  private final Durability defaultDurability;
  private final RocksDB db;
  private final LRUCache blockCache;
  private final WriteOptions syncWrites;
  private final WriteOptions bufferedWrites;
  private final ReadOptions reads;
  private final List<AbstractNativeReference> owned; // freed after the database, in reverse order
  private final OpenGuard guard = new OpenGuard("store");
  private final Set<RocksDbCursor> cursors = ConcurrentHashMap.newKeySet();
  private final Set<RocksDbSnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private final FailStop failStop;

  private RocksDbEngine(
      Path directory,
      EngineOptions options,
      FailStop failStop,
      RocksDB db,
      LRUCache blockCache,
      List<AbstractNativeReference> owned,
      WriteOptions syncWrites,
      WriteOptions bufferedWrites,
      ReadOptions reads) {
    this.directory = directory;
    this.failStop = failStop;
    this.readOnly = options.readOnly();
    this.defaultDurability = options.defaultDurability();
    this.db = db;
    this.blockCache = blockCache;
    this.owned = owned;
    this.syncWrites = syncWrites;
    this.bufferedWrites = bufferedWrites;
    this.reads = reads;
  }

  static RocksDbEngine open(EngineOptions options, RocksDbSettings settings) {
    return open(options, settings, rocksOptions -> {});
  }

  /**
   * Opens the store, letting {@code tuning} adjust RocksDB's options last; for tests that need a
   * RocksDB option no engine setting reaches (a space limit that fails table-file writes).
   */
  static RocksDbEngine open(
      EngineOptions options, RocksDbSettings settings, Consumer<Options> tuning) {
    Path dir =
        StoreDirectory.prepare(
            options.requireDirectory(RocksDbProvider.NAME), options.createIfMissing());
    RocksDB.loadLibrary();
    List<AbstractNativeReference> owned = new ArrayList<>();
    FailStop failStop = new FailStop(dir);
    try {
      BackgroundErrors backgroundErrors = add(owned, new BackgroundErrors(dir, failStop));
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
              .setListeners(List.of(backgroundErrors));
      tuning.accept(rocksOptions);
      WriteOptions sync = add(owned, new WriteOptions().setSync(true));
      WriteOptions buffered = add(owned, new WriteOptions().setSync(false));
      ReadOptions reads = add(owned, new ReadOptions());
      RocksDB db =
          options.readOnly()
              ? RocksDB.openReadOnly(rocksOptions, dir.toString())
              : RocksDB.open(rocksOptions, dir.toString());
      return new RocksDbEngine(dir, options, failStop, db, cache, owned, sync, buffered, reads);
    } catch (RocksDBException e) {
      closeAll(owned);
      throw RocksErrors.mapOpen(dir, e);
    } catch (RuntimeException | Error e) {
      closeAll(owned);
      throw e;
    }
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

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public byte[] get(byte[] key) {
    Limits.checkKey(key);
    guard.enter();
    try {
      return db.get(reads, key);
    } catch (RocksDBException e) {
      throw RocksErrors.map("get failed", e);
    } finally {
      guard.exit();
    }
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    checkCursorArgs(range, direction);
    guard.enter();
    try {
      ReadOptions ro = new ReadOptions();
      RocksIterator it = db.newIterator(ro);
      RocksDbCursor c = new RocksDbCursor(guard, null, ro, it, range, direction, cursors::remove);
      cursors.add(c);
      return c;
    } finally {
      guard.exit();
    }
  }

  static void checkCursorArgs(KeyRange range, Direction direction) {
    if (range == null || direction == null) {
      throw new InvalidArgumentException("range and direction are required");
    }
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    WriteOptions wo = writeOptions(durability);
    guard.enter();
    try {
      checkWritable();
      db.put(wo, key, value);
    } catch (RocksDBException e) {
      throw writeFailed("put", e);
    } finally {
      guard.exit();
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    Limits.checkKey(key);
    WriteOptions wo = writeOptions(durability);
    guard.enter();
    try {
      checkWritable();
      db.delete(wo, key);
    } catch (RocksDBException e) {
      throw writeFailed("delete", e);
    } finally {
      guard.exit();
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    WriteOptions wo = writeOptions(durability);
    guard.enter();
    try (org.rocksdb.WriteBatch rb = new org.rocksdb.WriteBatch()) {
      checkWritable();
      if (batch.isEmpty()) {
        if (durability == Durability.SYNC) {
          db.flushWal(true); // an empty SYNC batch still makes earlier writes durable
        }
        return;
      }
      for (WriteBatch.Operation op : batch.operations()) {
        switch (op) {
          case WriteBatch.Put p -> rb.put(p.key(), p.value());
          case WriteBatch.Delete d -> rb.delete(d.key());
          case WriteBatch.DeleteRange r ->
              throw new dev.cairn.spi.UnsupportedCapabilityException(
                  "range deletes (capability RANGE_DELETES)");
        }
      }
      db.write(wo, rb);
    } catch (RocksDBException e) {
      throw writeFailed("write batch", e);
    } finally {
      guard.exit();
    }
  }

  private WriteOptions writeOptions(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    return durability == Durability.SYNC ? syncWrites : bufferedWrites;
  }

  private void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyStoreException("store " + directory + " is open read-only");
    }
    failStop.check();
  }

  /**
   * What a failed write throws: {@link EngineFailedException} when the store has stopped, because
   * of this failure (an I/O error) or of an earlier one (RocksDB refuses writes with a background
   * error, which {@link BackgroundErrors} recorded before any write could see it).
   */
  private StorageException writeFailed(String what, RocksDBException e) {
    StorageException mapped = RocksErrors.map(what + " failed in " + directory, e);
    if (mapped instanceof StorageIOException) {
      failStop.fail(mapped);
    }
    if (failStop.failed()) {
      return new EngineFailedException(
          what + " failed in " + directory + "; the store fail-stopped: " + e.getMessage(), e);
    }
    return mapped;
  }

  @Override
  public Snapshot snapshot() {
    guard.enter();
    try {
      RocksDbSnapshot s = new RocksDbSnapshot(db, guard, snapshots::remove);
      snapshots.add(s);
      return s;
    } finally {
      guard.exit();
    }
  }

  /**
   * Syncs the WAL. A WAL sync succeeds even after RocksDB's background work failed, so the store's
   * state is checked before and after it: a flush never reports success once the store stopped.
   */
  @Override
  public void flush() {
    guard.enter();
    try {
      if (readOnly) {
        return;
      }
      failStop.check();
      db.flushWal(true);
      failStop.check();
    } catch (RocksDBException e) {
      failStop.fail(RocksErrors.map("WAL sync failed in " + directory, e));
      failStop.check();
    } finally {
      guard.exit();
    }
  }

  @Override
  public void checkpoint(Path target) {
    if (target == null) {
      throw new InvalidArgumentException("checkpoint target is null");
    }
    if (!StoreDirectory.onDefaultFileSystem(target)) {
      throw new InvalidArgumentException(
          "engine 'rocksdb' writes checkpoints only on the default file system, not to " + target);
    }
    if (Files.exists(target)) {
      throw new InvalidArgumentException("checkpoint target " + target + " already exists");
    }
    guard.enter();
    try (Checkpoint cp = Checkpoint.create(db)) {
      cp.createCheckpoint(target.toAbsolutePath().toString());
    } catch (RocksDBException e) {
      throw RocksErrors.map("checkpoint to " + target + " failed", e);
    } finally {
      guard.exit();
    }
  }

  // ---- inspection --------------------------------------------------------------------------

  private static final String[][] PROPERTIES = {
    {"keys.estimate", "rocksdb.estimate-num-keys"},
    {"sst.bytes", "rocksdb.total-sst-files-size"},
    {"sst.live-bytes", "rocksdb.live-sst-files-size"},
    {"memtable.bytes", "rocksdb.cur-size-all-mem-tables"},
    {"table-readers.bytes", "rocksdb.estimate-table-readers-mem"},
    {"compaction.pending-bytes", "rocksdb.estimate-pending-compaction-bytes"},
    {"compaction.running", "rocksdb.num-running-compactions"},
    {"flush.running", "rocksdb.num-running-flushes"},
    {"level0.files", "rocksdb.num-files-at-level0"}, // NB: a string property, not an int one
    {"background-errors", "rocksdb.background-errors"},
    {"snapshots", "rocksdb.num-snapshots"},
    {"block-cache.pinned-bytes", "rocksdb.block-cache-pinned-usage"},
  };

  @Override
  public EngineStatistics statistics() {
    guard.enter();
    try {
      Map<String, Long> details = new TreeMap<>();
      for (String[] p : PROPERTIES) {
        details.put(p[0], property(p[1]));
      }
      long cache = blockCache.getUsage();
      details.put("block-cache.bytes", cache);
      details.put("cursors.open", (long) cursors.size());
      details.put("fail-stopped", failStop.failed() ? 1L : 0L);
      long memory = details.get("memtable.bytes") + details.get("table-readers.bytes") + cache;
      return new EngineStatistics(
          details.get("keys.estimate"), StoreDirectory.sizeOnDisk(directory), memory, details);
    } finally {
      guard.exit();
    }
  }

  /**
   * Reads a numeric property. NB: through {@code GetProperty}, which serves every property, not
   * {@code GetIntProperty}, which fails for those RocksDB keeps as strings (the per-level file
   * counts). A property that cannot be read is an error, never a made-up figure.
   *
   * @throws StorageIOException naming the property
   */
  private long property(String name) {
    String value;
    try {
      value = db.getProperty(name);
    } catch (RocksDBException e) {
      throw RocksErrors.map("cannot read property " + name + " of " + directory, e);
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new StorageIOException(
          "property " + name + " of " + directory + " is not a number: '" + value + "'", e);
    }
  }

  /**
   * Verifies every table file's block checksums ({@code VerifyChecksum}), then scans every key
   * checking that keys come in strictly increasing unsigned order.
   */
  @Override
  public ConsistencyReport checkConsistency() {
    guard.enter();
    try {
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
      try (ReadOptions ro = new ReadOptions().setVerifyChecksums(true);
          RocksIterator it = db.newIterator(ro)) {
        byte[] previous = null;
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] key = it.key();
          if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
            problems.add("key order: " + hex(key) + " follows " + hex(previous));
          }
          previous = key;
          items++;
        }
        it.status();
      } catch (RocksDBException e) {
        if (!RocksErrors.isCorruption(e)) {
          throw RocksErrors.map("scan failed in " + directory, e);
        }
        problems.add("scan: " + e.getMessage());
      }
      return new ConsistencyReport(items, problems);
    } finally {
      guard.exit();
    }
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  // ---- lifetime ----------------------------------------------------------------------------

  @Override
  public void close() {
    if (!guard.close()) {
      return;
    }
    for (RocksDbSnapshot s : List.copyOf(snapshots)) {
      s.close();
    }
    for (RocksDbCursor c : List.copyOf(cursors)) {
      c.close();
    }
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

  /**
   * Writes the memtable to a level-0 table file and waits for it, on RocksDB's background thread as
   * a full memtable would be; for tests. Returns what RocksDB reported, without recording it.
   */
  RocksDBException flushMemtableForTest() {
    guard.enter();
    try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      db.flush(wait);
      return null;
    } catch (RocksDBException e) {
      return e;
    } finally {
      guard.exit();
    }
  }

  /** True once {@link #close()} began; for tests. */
  boolean isClosed() {
    return guard.isClosed();
  }

  /** How many cursors and snapshots are open; for tests. */
  int openHandles() {
    return cursors.size() + snapshots.size();
  }

  @Override
  public String toString() {
    return "RocksDbEngine[" + directory + (guard.isClosed() ? ", closed]" : "]");
  }
}
