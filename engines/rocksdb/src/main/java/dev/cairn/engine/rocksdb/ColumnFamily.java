package dev.cairn.engine.rocksdb;

import dev.cairn.spi.InvalidStateException;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.ColumnFamilyHandle;

/**
 * One keyspace: a RocksDB column family and the lifetime of its handle.
 *
 * <p>Thread-safe. The handle is a native object, and RocksJava crashes the process on a handle used
 * after it was freed, so two things keep it alive:
 *
 * <ul>
 *   <li><b>Calls</b> on the keyspace (a get, a multiGet) {@linkplain #enter() enter} a guard that
 *       {@link #dropped()} closes, waiting for the calls in flight; a call after the drop throws
 *       {@link InvalidStateException}. Writes need no guard: they hold the store's write lock,
 *       which a drop takes exclusively ({@link Writer}).
 *   <li><b>Pins</b>, for what outlives one call: the store holds one while the keyspace exists, and
 *       every cursor and snapshot that reads it holds one. The handle is freed when the last pin
 *       goes. So a snapshot taken before a drop still reads the keyspace: RocksDB keeps a dropped
 *       column family's data, and serves reads through a handle on it, until the handle is deleted
 *       ({@code DB::DropColumnFamily}).
 * </ul>
 *
 * <p>The default column family cannot be dropped; its calls skip the guard.
 */
final class ColumnFamily {

  private final String name;
  private final ColumnFamilyHandle handle;
  private final OpenGuard calls; // null for the default column family
  private final AtomicInteger pins = new AtomicInteger(1); // the store's

  ColumnFamily(String name, ColumnFamilyHandle handle, boolean droppable) {
    this.name = name;
    this.handle = handle;
    this.calls =
        droppable
            ? new OpenGuard(() -> new InvalidStateException("keyspace '" + name + "' was dropped"))
            : null;
  }

  String name() {
    return name;
  }

  /** The handle; use it only inside {@link #enter()}/{@link #exit()}, under a pin or a lock. */
  ColumnFamilyHandle handle() {
    return handle;
  }

  /**
   * Registers a call on the keyspace.
   *
   * @throws InvalidStateException if it was dropped
   */
  void enter() {
    if (calls != null) {
      calls.enter();
    }
  }

  void exit() {
    if (calls != null) {
      calls.exit();
    }
  }

  /** True once the keyspace was dropped. */
  boolean isDropped() {
    return calls != null && calls.isClosed();
  }

  /**
   * Takes a pin on the handle; true unless the handle is already freed. Inside {@link #enter()} (or
   * under the store's write lock, shared) it always succeeds: the store's pin is held until the
   * drop, which waits for both.
   */
  boolean pin() {
    for (int p = pins.get(); p > 0; p = pins.get()) {
      if (pins.compareAndSet(p, p + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Releases a pin; the last one frees the handle. */
  void unpin() {
    if (pins.decrementAndGet() == 0) {
      handle.close();
    }
  }

  /**
   * Marks the keyspace dropped: refuses new calls, waits for those in flight, and releases the
   * store's pin. Called once, after RocksDB dropped the column family.
   */
  void dropped() {
    calls.close();
    unpin();
  }

  @Override
  public String toString() {
    return "keyspace '" + name + "'" + (isDropped() ? " (dropped)" : "");
  }
}
