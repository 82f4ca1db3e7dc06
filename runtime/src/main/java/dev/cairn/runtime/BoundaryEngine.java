package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The boundary around an open engine: what {@link StoreBuilder#open()} returns.
 *
 * <p>Before the engine sees a call, arguments are checked (nulls, {@link Limits}, declared
 * capabilities, closed handles, writes to a read-only store); after, what it returns is checked
 * where that is cheap. Every call is timed, and any non-SPI exception becomes a {@link
 * dev.cairn.spi.ContractViolationException}; see {@link ErrorConversion} and {@link Meters}.
 * Closing the store closes the cursors and snapshots still open on it, then the engine; it is
 * idempotent. A checkpoint of a durable store gets its own store marker, so it opens by itself.
 *
 * <p>Thread-safe, as the engine it wraps.
 */
final class BoundaryEngine extends BoundaryReadView implements StorageEngine {

  private final StorageEngine delegate;
  private final Durability defaultDurability;
  private final AtomicBoolean closed = new AtomicBoolean();

  BoundaryEngine(Boundary boundary, StorageEngine delegate, Durability defaultDurability) {
    super(boundary, delegate);
    this.delegate = delegate;
    this.defaultDurability = defaultDurability;
  }

  @Override
  void checkOpen() {
    if (closed.get()) {
      throw new ClosedHandleException(describe() + " is closed");
    }
  }

  @Override
  String describe() {
    return boundary.store();
  }

  private void checkWritable() {
    if (boundary.readOnly()) {
      throw new ReadOnlyStoreException(describe() + " was opened read-only");
    }
  }

  @Override
  public Durability defaultDurability() {
    return defaultDurability;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      Limits.checkValue(value);
      Boundary.nonNull(durability, "durability");
      checkWritable();
      delegate.put(key, value, durability);
      boundary.meters().putWritten(key.length + (long) value.length);
      boundary.succeeded(Op.PUT, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.PUT, start, t);
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      Boundary.nonNull(durability, "durability");
      checkWritable();
      delegate.delete(key, durability);
      boundary.succeeded(Op.DELETE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.DELETE, start, t);
    }
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(batch, "batch");
      Boundary.nonNull(durability, "durability");
      checkWritable();
      boundary.require(Capability.ATOMIC_BATCHES, "write(batch)");
      long bytes = batch.byteSize(); // NB: read before the call; the caller may reuse the batch
      delegate.write(batch, durability);
      boundary.meters().batchWritten(bytes);
      boundary.succeeded(Op.WRITE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.WRITE, start, t);
    }
  }

  @Override
  public Snapshot snapshot() {
    long start = System.nanoTime();
    try {
      checkOpen();
      boundary.require(Capability.SNAPSHOTS, "snapshot()");
      Snapshot snapshot = delegate.snapshot();
      if (snapshot == null) {
        throw boundary.errors().violation(Op.SNAPSHOT, "returned a null snapshot");
      }
      Snapshot wrapped = BoundarySnapshot.wrap(this, snapshot);
      boundary.succeeded(Op.SNAPSHOT, start);
      return wrapped;
    } catch (Throwable t) {
      throw boundary.failed(Op.SNAPSHOT, start, t);
    }
  }

  @Override
  public void flush() {
    long start = System.nanoTime();
    try {
      checkOpen();
      delegate.flush();
      boundary.succeeded(Op.FLUSH, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.FLUSH, start, t);
    }
  }

  @Override
  public void checkpoint(Path target) {
    long start = System.nanoTime();
    try {
      checkOpen();
      Boundary.nonNull(target, "checkpoint target");
      boundary.require(Capability.CHECKPOINTS, "checkpoint(target)");
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException("checkpoint target " + target + " already exists");
      }
      delegate.checkpoint(target);
      if (boundary.info().has(Capability.DURABLE)) {
        StoreMarker.write(target, boundary.engine());
      }
      boundary.succeeded(Op.CHECKPOINT, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.CHECKPOINT, start, t);
    }
  }

  @Override
  public EngineStatistics statistics() {
    long start = System.nanoTime();
    try {
      checkOpen();
      EngineStatistics statistics = delegate.statistics();
      if (statistics == null) {
        throw boundary.errors().violation(Op.STATISTICS, "returned null statistics");
      }
      boundary.succeeded(Op.STATISTICS, start);
      return statistics;
    } catch (Throwable t) {
      throw boundary.failed(Op.STATISTICS, start, t);
    }
  }

  @Override
  public ConsistencyReport checkConsistency() {
    long start = System.nanoTime();
    try {
      checkOpen();
      ConsistencyReport report = delegate.checkConsistency();
      if (report == null) {
        throw boundary.errors().violation(Op.CHECK, "returned a null consistency report");
      }
      boundary.succeeded(Op.CHECK, start);
      return report;
    } catch (Throwable t) {
      throw boundary.failed(Op.CHECK, start, t);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    try {
      handles.closeAll();
      delegate.close();
      boundary.succeeded(Op.CLOSE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.CLOSE, start, t);
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
