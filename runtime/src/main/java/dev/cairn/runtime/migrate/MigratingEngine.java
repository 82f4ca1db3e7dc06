package dev.cairn.runtime.migrate;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The store handle an application uses during an online migration: it reads from and writes to the
 * engine that currently serves (the source, then, after the cut-over, the target), and while a
 * migration captures, records every key written in the {@link ChangeCapture}.
 *
 * <p>Thread-safe, as the engines it wraps. Does not own them: closing it closes neither.
 *
 * <p>Design. Every write holds the read side of one {@link ReentrantReadWriteLock} from before it
 * is applied until after its key is marked; the migration takes the write side for the two moments
 * that need no write in flight: beginning the capture (so that a write is either in the source's
 * snapshot or marked) and the cut-over (so that the last marks are drained and no write reaches the
 * source afterwards). Writers do not block one another; only those two moments block them.
 *
 * <p>A write that races the cut-over: one that took the read lock first is applied to the source
 * and marked, and the cut-over waits for it and replays it; one that arrives during the cut-over
 * waits, and is applied to the target once the cut-over is done (or to the source, if the cut-over
 * failed). Either way it is acknowledged only once applied to the engine that serves afterwards, or
 * to the source and replayed to the target before the switch. Cursors and snapshots opened before
 * the cut-over keep reading the source's state they were opened on.
 */
final class MigratingEngine implements StorageEngine {

  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile StorageEngine current;
  private volatile ChangeCapture capture;
  private volatile boolean closed;
  private volatile boolean cutOver;

  MigratingEngine(StorageEngine source) {
    this.current = source;
  }

  /** Blocks writes; the caller must {@link #unblock()} in a finally. */
  void block() {
    gate.writeLock().lock();
  }

  void unblock() {
    gate.writeLock().unlock();
  }

  /** Starts capturing; called with writes blocked. */
  void capture(ChangeCapture c) {
    this.capture = c;
  }

  /** Switches to {@code target} and stops capturing; called with writes blocked. */
  void switchTo(StorageEngine target) {
    this.current = target;
    this.capture = null;
    this.cutOver = true;
  }

  /** Stops capturing without switching (a failed migration). */
  void stopCapture() {
    this.capture = null;
  }

  StorageEngine current() {
    return live();
  }

  private StorageEngine live() {
    if (closed) {
      throw new ClosedHandleException("the migrating store handle is closed");
    }
    return current;
  }

  // Writes.

  @Override
  public Durability defaultDurability() {
    return live().defaultDurability();
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    write(Keyspace.DEFAULT, key, value, false, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    write(Keyspace.DEFAULT, key, null, true, durability);
  }

  /** A put or delete of one key of {@code keyspace}. */
  void write(String keyspace, byte[] key, byte[] value, boolean delete, Durability durability) {
    gate.readLock().lock();
    try {
      StorageEngine store = live();
      try {
        if (keyspace.equals(Keyspace.DEFAULT)) {
          if (delete) {
            store.delete(key, durability);
          } else {
            store.put(key, value, durability);
          }
        } else if (delete) {
          store.keyspace(keyspace).delete(key, durability);
        } else {
          store.keyspace(keyspace).put(key, value, durability);
        }
      } finally {
        ChangeCapture c = capture;
        // NB: after the source applied it, and even if it failed (it may have been applied);
        // but not a key the source refused as invalid, which the replay could not read back
        if (c != null && key != null && key.length <= Limits.MAX_KEY_SIZE) {
          c.mark(keyspace, key);
        }
      }
    } finally {
      gate.readLock().unlock();
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    gate.readLock().lock();
    try {
      StorageEngine store = live();
      try {
        store.write(batch, durability);
      } finally {
        ChangeCapture c = capture;
        if (c != null && batch != null) {
          c.mark(batch);
        }
      }
    } finally {
      gate.readLock().unlock();
    }
  }

  @Override
  public Keyspace createKeyspace(String name) {
    refuseWhileMigrating("create keyspace '" + name + "'");
    live().createKeyspace(name);
    return keyspace(name);
  }

  @Override
  public void dropKeyspace(String name) {
    refuseWhileMigrating("drop keyspace '" + name + "'");
    live().dropKeyspace(name);
  }

  private void refuseWhileMigrating(String what) {
    if (capture != null) {
      throw new InvalidStateException(
          "cannot " + what + " while an online migration copies this store; retry after it");
    }
  }

  // Reads: from whichever engine serves now.

  @Override
  public byte[] get(byte[] key) {
    return live().get(key);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return live().multiGet(keys);
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return live().cursor(range, direction);
  }

  @Override
  public long approximateCount(KeyRange range) {
    return live().approximateCount(range);
  }

  @Override
  public long approximateSize(KeyRange range) {
    return live().approximateSize(range);
  }

  @Override
  public List<String> keyspaces() {
    return live().keyspaces();
  }

  @Override
  public Keyspace keyspace(String name) {
    live().keyspace(name); // checks the name, the capability and that the keyspace exists
    return new MigratingKeyspace(this, name);
  }

  @Override
  public Health health() {
    return live().health();
  }

  @Override
  public Snapshot snapshot() {
    return live().snapshot();
  }

  @Override
  public void flush() {
    live().flush();
  }

  @Override
  public void checkpoint(Path target) {
    live().checkpoint(target);
  }

  @Override
  public long compact() {
    return live().compact();
  }

  @Override
  public EngineStatistics statistics() {
    return live().statistics();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    return live().checkConsistency();
  }

  /** True once the cut-over switched this handle to the target. */
  boolean isCutOver() {
    return cutOver;
  }

  /** Closes this handle only; the source and target stay open, their owner closes them. */
  @Override
  public void close() {
    closed = true;
  }
}
