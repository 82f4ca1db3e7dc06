package dev.cairn.runtime.database;

import dev.cairn.runtime.database.KeyspaceMeters.Op;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A keyspace of a {@link Database}: the SPI's {@link Keyspace} API on the store the catalog names
 * for it, plus atomic batches ({@link #write(WriteBatch, Durability)}).
 *
 * <p>Every call goes through the runtime's boundary of that store (argument checks, error
 * conversion, the store's meters, request contexts, leak detection of cursors), and is timed in the
 * keyspace's own meters ({@code cairn.database.operation}, tagged with the database, the keyspace
 * and its engine). The handle stays valid across a {@linkplain Database#cutOver cut-over}: calls
 * made after it go to the new store. A cursor opened before a cut-over reads the old store until it
 * is closed, or until the cut-over closes the old store, after which it throws {@link
 * ClosedHandleException}. While an online migration moves the keyspace ({@link Database#move},
 * {@code KeyspaceMigration}), its writes go through the migration, which captures them; reads go to
 * the old store until the cut-over.
 *
 * <p>Thread-safe. Needs no closing; after the database closes every call throws {@link
 * ClosedHandleException}, after the keyspace is dropped {@link InvalidStateException}.
 *
 * @since 1.2
 */
public final class DatabaseKeyspace implements Keyspace {

  /** Where the keyspace is now, and the meters tagged with that engine. */
  record State(Place place, KeyspaceMeters meters) {}

  private final Database database;
  private final String name;

  /**
   * Held shared by every call, exclusively by a cut-over: a cut-over waits for the calls in flight
   * and holds new ones until the catalog names the new store.
   */
  private final ReentrantReadWriteLock fence = new ReentrantReadWriteLock();

  private volatile State state;
  private volatile boolean dropped;

  /**
   * While an online migration of the keyspace runs, the handle its writes go through so that the
   * migration captures them (the migration's {@code OnlineMigration.store()} over a {@link
   * KeyspaceStore}: the keyspace's data is its {@code default}); null otherwise. Set and cleared
   * under the write fence, read under the read fence: a write goes either wholly through it or
   * wholly around it.
   */
  private volatile StorageEngine capturing;

  private volatile KeyspaceMove move;

  /** Why the keyspace refuses calls until the database is reopened, or null. */
  private volatile String failure;

  DatabaseKeyspace(Database database, String name, State state) {
    this.database = database;
    this.name = name;
    this.state = state;
  }

  @Override
  public String name() {
    return name;
  }

  /** The engine the keyspace is on now. */
  public String engine() {
    return state.place().engine();
  }

  /**
   * The store the keyspace's data is in now, wrapped in the runtime's boundary: a store of its own,
   * or a store shared with other keyspaces of the database (whose engine keyspace {@link
   * #engineKeyspace()} holds this keyspace). For what only a store does (a snapshot, a checkpoint,
   * a consistency check); read and write the keyspace through this handle, which follows cut-overs.
   */
  @Override
  public StorageEngine store() {
    checkUsable();
    return state.place().store();
  }

  /** The engine keyspace holding the data: {@code default} in a store of its own. */
  public String engineKeyspace() {
    return state.place().engineKeyspace();
  }

  /** The durability of writes that do not name one: the store's default. */
  public Durability defaultDurability() {
    return store().defaultDurability();
  }

  Lock readFence() {
    return fence.readLock();
  }

  Lock writeFence() {
    return fence.writeLock();
  }

  State state() {
    return state;
  }

  /**
   * Points the keyspace at its new place, and ends a migration's capture; the caller holds the
   * write fence.
   */
  void moveTo(State next) {
    this.state = next;
    this.capturing = null;
  }

  /** Routes writes through {@code handle} (null: to the place again); holds the write fence. */
  void captureThrough(StorageEngine handle) {
    Lock lock = fence.writeLock();
    lock.lock();
    try {
      this.capturing = handle;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a migration captures the keyspace's writes now. */
  boolean isCaptured() {
    return capturing != null;
  }

  /** The move under way, or null; guarded by the database's lock on changes. */
  KeyspaceMove move() {
    return move;
  }

  void setMove(KeyspaceMove m) {
    this.move = m;
  }

  void markDropped() {
    dropped = true;
  }

  void checkUsable() {
    database.checkOpen();
    if (dropped) {
      throw new InvalidStateException(
          "keyspace '" + name + "' of database " + database.directory() + " was dropped");
    }
    String f = failure;
    if (f != null) {
      throw new StorageIOException(
          "keyspace '"
              + name
              + "' of database "
              + database.directory()
              + " refuses calls until the database is reopened: "
              + f);
    }
  }

  /** Refuses every later call, saying why; the caller holds the write fence. */
  void failStop(String why) {
    this.failure = why;
  }

  /** A read or write, under the fence, timed in the keyspace's meters. */
  private <T> T call(Op op, java.util.function.Function<Place, T> body) {
    Lock lock = fence.readLock();
    lock.lock();
    State s = state;
    long start = System.nanoTime();
    try {
      checkUsable();
      T result = body.apply(s.place());
      s.meters().succeeded(op, start);
      return result;
    } catch (RuntimeException | Error e) {
      s.meters().failed(op, start);
      throw e;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public byte[] get(byte[] key) {
    return call(Op.GET, p -> p.get(key));
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return call(Op.MULTIGET, p -> p.multiGet(keys));
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return call(Op.CURSOR, p -> p.cursor(range, direction));
  }

  @Override
  public long approximateCount(KeyRange range) {
    return call(Op.COUNT, p -> p.approximateCount(range));
  }

  @Override
  public long approximateSize(KeyRange range) {
    return call(Op.COUNT, p -> p.approximateSize(range));
  }

  @Override
  public EngineStatistics statistics() {
    return call(Op.STATISTICS, Place::statistics);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    call(
        Op.PUT,
        p -> {
          StorageEngine c = capturing;
          if (c == null) {
            p.put(key, value, durability);
          } else {
            c.put(key, value, durability);
          }
          return null;
        });
  }

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, defaultDurability());
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    call(
        Op.DELETE,
        p -> {
          StorageEngine c = capturing;
          if (c == null) {
            p.delete(key, durability);
          } else {
            c.delete(key, durability);
          }
          return null;
        });
  }

  @Override
  public void delete(byte[] key) {
    delete(key, defaultDurability());
  }

  /**
   * Applies {@code batch} to this keyspace, atomically (the store's {@link
   * StorageEngine#write(WriteBatch, Durability)}). The batch uses the forms without a keyspace, or
   * names this keyspace; a batch across keyspaces is {@link Database#write(WriteBatch,
   * Durability)}'s.
   *
   * @throws InvalidArgumentException if the batch names another keyspace
   * @throws ConflictException if a precondition failed (nothing applied)
   */
  public void write(WriteBatch batch, Durability durability) {
    if (batch == null) {
      throw new InvalidArgumentException("batch is null");
    }
    for (String k : batch.keyspaces()) {
      if (!Batches.isDefault(k) && !k.equals(name)) {
        throw new InvalidArgumentException(
            "a batch written to keyspace '"
                + name
                + "' names keyspace '"
                + k
                + "'; write batches across keyspaces with Database.write");
      }
    }
    call(
        Op.WRITE,
        p -> {
          StorageEngine c = capturing;
          if (c == null) {
            p.write(Batches.translate(batch, Batches.all(batch, p.engineKeyspace())), durability);
          } else {
            c.write(Batches.translate(batch, Batches.all(batch, Keyspace.DEFAULT)), durability);
          }
          return null;
        });
  }

  /** {@link #write(WriteBatch, Durability)} at the {@linkplain #defaultDurability() default}. */
  public void write(WriteBatch batch) {
    write(batch, defaultDurability());
  }

  @Override
  public void deleteRange(KeyRange range, Durability durability) {
    write(new WriteBatch().deleteRange(range), durability);
  }

  @Override
  public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
    return applied(new WriteBatch().requireAbsent(key).put(key, value), durability);
  }

  @Override
  public boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
    return applied(new WriteBatch().requireValue(key, expected).put(key, value), durability);
  }

  @Override
  public boolean deleteIfEquals(byte[] key, byte[] expected, Durability durability) {
    return applied(new WriteBatch().requireValue(key, expected).delete(key), durability);
  }

  /** {@link #putIfAbsent(byte[], byte[], Durability)} at the default durability. */
  public boolean putIfAbsent(byte[] key, byte[] value) {
    return putIfAbsent(key, value, defaultDurability());
  }

  /** {@link #replace(byte[], byte[], byte[], Durability)} at the default durability. */
  public boolean replace(byte[] key, byte[] expected, byte[] value) {
    return replace(key, expected, value, defaultDurability());
  }

  /** {@link #deleteIfEquals(byte[], byte[], Durability)} at the default durability. */
  public boolean deleteIfEquals(byte[] key, byte[] expected) {
    return deleteIfEquals(key, expected, defaultDurability());
  }

  /** {@link #deleteRange(KeyRange, Durability)} at the default durability. */
  public void deleteRange(KeyRange range) {
    deleteRange(range, defaultDurability());
  }

  private boolean applied(WriteBatch batch, Durability durability) {
    try {
      write(batch, durability);
      return true;
    } catch (ConflictException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    State s = state;
    return "keyspace '"
        + name
        + "' of database "
        + database.directory()
        + " (engine '"
        + s.place().engine()
        + "', store "
        + s.place().storeDirectory()
        + (s.place().owned() ? "" : ", engine keyspace '" + s.place().engineKeyspace() + "'")
        + ")";
  }
}
