package dev.cairn.runtime;

import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageEngine;

/**
 * The boundary around a keyspace handle of an open store (SPI 1.1): reads checked and measured as
 * the store's are, its cursors tracked with the store's (closing the store closes them), writes
 * checked, measured and refused in a read-only store as the store's are.
 *
 * <p>{@link #store()} is the store's boundary, not the engine's handle: the conditional writes and
 * range deletes a keyspace inherits from {@link Keyspace} write a batch through it, so they are
 * checked and measured as {@code write} and refused there when the engine lacks the capability.
 * Meters carry the same {@code op} tags as the store's; the keyspace is not a tag.
 *
 * <p>Thread-safe, as the keyspace it wraps. Needs no closing, as the SPI's keyspace.
 */
final class BoundaryKeyspace extends BoundaryReadView implements Keyspace {

  private final BoundaryEngine store;
  private final Keyspace delegate;
  private final String name;

  BoundaryKeyspace(BoundaryEngine store, Keyspace delegate, String name) {
    super(store.boundary, delegate, store.handles);
    this.store = store;
    this.delegate = delegate;
    this.name = name;
  }

  @Override
  void checkOpen() {
    store.checkOpen();
  }

  @Override
  String describe() {
    return "keyspace '" + name + "' of " + store.describe();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public StorageEngine store() {
    return store;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    if (RequestContext.currentOrNull() == null) {
      RequestContext.generated().run(() -> put(key, value, durability));
      return;
    }
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      Limits.checkValue(value);
      Boundary.nonNull(durability, "durability");
      store.checkWritable();
      Boundary.checkDeadline("put");
      delegate.put(key, value, durability);
      boundary.meters().putWritten(key.length + (long) value.length);
      boundary.succeeded(Op.PUT, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.PUT, start, t);
    }
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    if (RequestContext.currentOrNull() == null) {
      RequestContext.generated().run(() -> delete(key, durability));
      return;
    }
    long start = System.nanoTime();
    try {
      checkOpen();
      Limits.checkKey(key);
      Boundary.nonNull(durability, "durability");
      store.checkWritable();
      Boundary.checkDeadline("delete");
      delegate.delete(key, durability);
      boundary.succeeded(Op.DELETE, start);
    } catch (Throwable t) {
      throw boundary.failed(Op.DELETE, start, t);
    }
  }

  @Override
  public EngineStatistics statistics() {
    long start = System.nanoTime();
    try {
      checkOpen();
      EngineStatistics statistics = delegate.statistics();
      if (statistics == null) {
        throw boundary
            .errors()
            .violation(Op.STATISTICS, "returned null statistics for keyspace '" + name + "'");
      }
      boundary.succeeded(Op.STATISTICS, start);
      return statistics;
    } catch (Throwable t) {
      throw boundary.failed(Op.STATISTICS, start, t);
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
