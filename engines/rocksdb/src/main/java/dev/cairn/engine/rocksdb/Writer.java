package dev.cairn.engine.rocksdb;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * The store's write path: puts, deletes and batches (range deletes and preconditions included)
 * turned into RocksDB writes, and the write lock that makes conditional batches atomic.
 *
 * <p>Thread-safe.
 *
 * <p><b>Design.</b> A conditional batch reads its preconditions and then writes; RocksDB has no
 * compare-and-set, so something must keep every other write of those keys out between the read and
 * the write. Two ways were weighed:
 *
 * <ul>
 *   <li><b>An OptimisticTransactionDB</b>: the batch runs as a transaction whose {@code
 *       GetForUpdate} reads are validated at commit against the memtables, and fails with {@code
 *       Busy} if a key changed (then retried). Plain writes would pay nothing. But validation needs
 *       the memtables to still hold the history since the read ({@code
 *       max_write_buffer_size_to_maintain}; otherwise {@code TryAgain}), a hot key retries without
 *       bound under contention, and whether a range delete by another writer counts as a change to
 *       a key it covers is RocksDB's internal detail, not a documented promise.
 *   <li><b>A read-write lock in the adapter</b> (chosen): every write holds it shared, a
 *       conditional batch holds it exclusively from its reads to the end of its write. Every write
 *       of the store comes through this class (RocksDB's {@code LOCK} file keeps other processes
 *       out), so no write of any kind can fall between a conditional batch's check and its write:
 *       correct by construction, no retries, range deletes and every keyspace included. The cost is
 *       a shared acquisition per plain write (measured in {@code docs/engines/rocksdb.md}), and a
 *       conditional batch stalls plain writes for its own duration, fsync included under {@code
 *       SYNC}.
 * </ul>
 *
 * <p>The same lock orders keyspace creation and drops (exclusive) against writes, which resolve
 * keyspace names under it, and against snapshots, which pin the keyspaces that exist under it
 * (shared). Reads take no lock.
 */
final class Writer {

  private final RocksDB db;
  private final Path directory;
  private final boolean readOnly;
  private final FailStop failStop;
  private final Keyspaces keyspaces;
  private final WriteOptions syncWrites;
  private final WriteOptions bufferedWrites;
  private final ReadOptions latest;
  private final EngineEventListener events;
  // NB: non-fair: a waiting exclusive holder still stops new shared ones from barging in.
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Lock shared = lock.readLock();
  private final Lock exclusive = lock.writeLock();

  Writer(
      RocksDB db,
      Path directory,
      boolean readOnly,
      FailStop failStop,
      Keyspaces keyspaces,
      WriteOptions syncWrites,
      WriteOptions bufferedWrites,
      ReadOptions latest,
      EngineEventListener events) {
    this.events = events;
    this.db = db;
    this.directory = directory;
    this.readOnly = readOnly;
    this.failStop = failStop;
    this.keyspaces = keyspaces;
    this.syncWrites = syncWrites;
    this.bufferedWrites = bufferedWrites;
    this.latest = latest;
  }

  boolean readOnly() {
    return readOnly;
  }

  WriteOptions options(Durability durability) {
    if (durability == null) {
      throw new InvalidArgumentException("durability is null");
    }
    return durability == Durability.SYNC ? syncWrites : bufferedWrites;
  }

  /**
   * Returns normally when the store takes writes.
   *
   * @throws ReadOnlyStoreException in a read-only store
   * @throws EngineFailedException after the store fail-stopped
   */
  void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyStoreException("store " + directory + " is open read-only");
    }
    failStop.check();
  }

  /**
   * Refuses a write whose request's deadline has passed before RocksDB sees it ({@link
   * dev.cairn.spi.DeadlineExceededException}, nothing written). Once handed to RocksDB a write is
   * done whole: its write group has no hook for a deadline.
   */
  private static void checkDeadline(String operation) {
    RequestContext c = RequestContext.currentOrNull();
    if (c != null) {
      c.checkDeadline(operation);
    }
  }

  void put(ColumnFamily cf, byte[] key, byte[] value, Durability durability) {
    WriteOptions wo = options(durability);
    checkWritable();
    checkDeadline("put");
    long start = System.nanoTime();
    shared.lock();
    try {
      checkLive(cf);
      db.put(cf.handle(), wo, key, value);
    } catch (RocksDBException e) {
      throw failed("put", e, start);
    } finally {
      shared.unlock();
    }
  }

  void delete(ColumnFamily cf, byte[] key, Durability durability) {
    WriteOptions wo = options(durability);
    checkWritable();
    checkDeadline("delete");
    long start = System.nanoTime();
    shared.lock();
    try {
      checkLive(cf);
      db.delete(cf.handle(), wo, key);
    } catch (RocksDBException e) {
      throw failed("delete", e, start);
    } finally {
      shared.unlock();
    }
  }

  /**
   * Applies {@code batch} as one RocksDB {@code WriteBatch}, atomic across its keyspaces; with
   * preconditions, under the exclusive lock, checked first.
   *
   * @param only when not null, the one keyspace the batch may name, by identity: a batch written
   *     through a {@link Keyspace} handle must not reach a keyspace created under the same name
   *     after its own was dropped
   * @throws InvalidArgumentException if the batch names a keyspace that does not exist
   * @throws InvalidStateException if {@code only} was dropped
   * @throws ConflictException if a precondition failed (nothing written)
   */
  void write(WriteBatch batch, Durability durability, ColumnFamily only) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    WriteOptions wo = options(durability);
    checkWritable();
    checkDeadline("write");
    if (batch.isEmpty()) {
      if (durability == Durability.SYNC) {
        syncWal(); // an empty SYNC batch still makes earlier writes durable
      }
      return;
    }
    Lock lock = batch.preconditions().isEmpty() ? shared : exclusive;
    long start = System.nanoTime();
    lock.lock();
    try (org.rocksdb.WriteBatch rb = new org.rocksdb.WriteBatch()) {
      Map<String, ColumnFamily> families = resolve(batch, only);
      for (WriteBatch.Precondition p : batch.preconditions()) {
        check(families.get(p.keyspace()), p);
      }
      for (String name : batch.keyspaces()) {
        ColumnFamily cf = families.get(name);
        for (WriteBatch.Operation op : batch.operations(name)) {
          add(rb, cf, op);
        }
      }
      if (rb.count() > 0) {
        db.write(wo, rb);
      } else if (durability == Durability.SYNC) {
        db.flushWal(true);
      }
    } catch (RocksDBException e) {
      throw failed("write batch", e, start);
    } finally {
      lock.unlock();
    }
  }

  private Map<String, ColumnFamily> resolve(WriteBatch batch, ColumnFamily only) {
    Map<String, ColumnFamily> families = new HashMap<>();
    for (String name : batch.keyspaces()) {
      if (only != null) {
        checkLive(only);
        if (!name.equals(only.name())) {
          throw new InvalidArgumentException(
              "a batch written through keyspace '"
                  + only.name()
                  + "' names keyspace '"
                  + name
                  + "'");
        }
        families.put(name, only);
      } else {
        families.put(name, keyspaces.require(name, directory));
      }
    }
    return families;
  }

  private void checkLive(ColumnFamily cf) {
    if (cf.isDropped()) {
      throw new InvalidStateException("keyspace '" + cf.name() + "' was dropped");
    }
  }

  private void check(ColumnFamily cf, WriteBatch.Precondition p) throws RocksDBException {
    byte[] found = db.get(cf.handle(), latest, p.key());
    boolean holds = p.expected() == null ? found == null : Arrays.equals(found, p.expected());
    if (!holds) {
      throw ConflictException.of(p);
    }
  }

  private static void add(org.rocksdb.WriteBatch rb, ColumnFamily cf, WriteBatch.Operation op)
      throws RocksDBException {
    switch (op) {
      case WriteBatch.Put p -> rb.put(cf.handle(), p.key(), p.value());
      case WriteBatch.Delete d -> rb.delete(cf.handle(), d.key());
      case WriteBatch.DeleteRange r -> {
        RangeBounds bounds = RangeBounds.of(r.range());
        if (bounds != null) {
          rb.deleteRange(cf.handle(), bounds.begin(), bounds.end());
        }
      }
    }
  }

  /**
   * Runs {@code change} (a keyspace created or dropped) with the lock held exclusively, so no write
   * or snapshot is in progress.
   */
  <T> T exclusively(Supplier<T> change) {
    exclusive.lock();
    try {
      return change.get();
    } finally {
      exclusive.unlock();
    }
  }

  /** Runs {@code action} (a snapshot taken) with the lock held shared. */
  <T> T shared(Supplier<T> action) {
    shared.lock();
    try {
      return action.get();
    } finally {
      shared.unlock();
    }
  }

  /**
   * Syncs the WAL. A WAL sync succeeds even after RocksDB's background work failed, so the store's
   * state is checked before and after it: a flush never reports success once the store stopped.
   */
  void syncWal() {
    failStop.check();
    long start = System.nanoTime();
    String outcome = "";
    try {
      db.flushWal(true);
    } catch (RocksDBException e) {
      outcome = ": failed; the store stops";
      failStop.fail(RocksErrors.map("WAL sync failed in " + directory, e));
    } finally {
      events.deliver(
          EngineEvent.of(
              EngineEvent.Kind.FSYNC,
              System.nanoTime() - start,
              -1,
              "sync of the write-ahead log of " + directory + outcome));
    }
    failStop.check();
  }

  /**
   * What a failed write throws: {@link EngineFailedException} when the store has stopped, because
   * of this failure (an I/O error) or of an earlier one (RocksDB refuses writes with a background
   * error, which {@link BackgroundErrors} recorded before any write could see it); otherwise the
   * mapped error ({@link dev.cairn.spi.BusyException} for a stall, nothing written).
   */
  StorageException failed(String what, RocksDBException e) {
    return failed(what, e, System.nanoTime());
  }

  /**
   * {@link #failed(String, RocksDBException)} for a write that started at {@code startNanos}: a
   * write refused as busy (a stall, with {@code write-stall=busy}) is reported as a {@link
   * EngineEvent.Kind#STALL} event.
   */
  private StorageException failed(String what, RocksDBException e, long startNanos) {
    StorageException mapped = RocksErrors.map(what + " failed in " + directory, e);
    if (mapped instanceof BusyException) {
      events.deliver(
          EngineEvent.of(
              EngineEvent.Kind.STALL,
              System.nanoTime() - startNanos,
              -1,
              what + " refused as busy: writes to " + directory + " are stalled"));
    }
    if (mapped instanceof StorageIOException) {
      failStop.fail(mapped);
    }
    if (failStop.failed()) {
      return new EngineFailedException(
          what + " failed in " + directory + "; the store fail-stopped: " + e.getMessage(), e);
    }
    return mapped;
  }
}
