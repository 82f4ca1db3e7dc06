package dev.cairn.runtime;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A store that passes every call to another, except where a test asks it to misbehave: lose every
 * n-th put, corrupt every n-th value it reads, throw on everything, or hang until released. The
 * deliberately broken candidate of the shadow tests.
 */
final class FaultyCandidate implements StorageEngine {

  private final StorageEngine inner;
  volatile int dropEveryPut;
  volatile int corruptEveryGet;
  volatile int dropEveryBatch;
  private final AtomicLong batches = new AtomicLong();
  volatile boolean throwing;
  volatile CountDownLatch hang;
  final CountDownLatch hanging = new CountDownLatch(1);
  private final AtomicLong puts = new AtomicLong();
  private final AtomicLong gets = new AtomicLong();

  FaultyCandidate(StorageEngine inner) {
    this.inner = inner;
  }

  private void misbehave() {
    if (throwing) {
      throw new StorageIOException("injected candidate failure");
    }
    CountDownLatch h = hang;
    if (h != null) {
      hanging.countDown();
      try {
        h.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public byte[] get(byte[] key) {
    misbehave();
    byte[] v = inner.get(key);
    int n = corruptEveryGet;
    if (v != null && n > 0 && gets.incrementAndGet() % n == 0) {
      v = v.clone();
      v[0] ^= 1;
      if (v.length == 0) {
        v = new byte[] {1};
      }
    }
    return v;
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    misbehave();
    int n = dropEveryPut;
    if (n > 0 && puts.incrementAndGet() % n == 0) {
      return; // NB: lost
    }
    inner.put(key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    misbehave();
    inner.delete(key, durability);
  }

  @Override
  public void write(WriteBatch batch, Durability durability) {
    misbehave();
    int n = dropEveryBatch;
    if (n > 0 && batches.incrementAndGet() % n == 0) {
      return; // NB: lost
    }
    inner.write(batch, durability);
  }

  @Override
  public java.util.List<String> keyspaces() {
    return inner.keyspaces();
  }

  @Override
  public dev.cairn.spi.Keyspace keyspace(String name) {
    return inner.keyspace(name);
  }

  @Override
  public dev.cairn.spi.Keyspace createKeyspace(String name) {
    misbehave();
    return inner.createKeyspace(name);
  }

  @Override
  public void dropKeyspace(String name) {
    misbehave();
    inner.dropKeyspace(name);
  }

  @Override
  public Durability defaultDurability() {
    return inner.defaultDurability();
  }

  @Override
  public Cursor cursor(KeyRange range, Direction direction) {
    return inner.cursor(range, direction);
  }

  @Override
  public Snapshot snapshot() {
    return inner.snapshot();
  }

  @Override
  public void flush() {
    misbehave();
    inner.flush();
  }

  @Override
  public void checkpoint(Path target) {
    inner.checkpoint(target);
  }

  @Override
  public EngineStatistics statistics() {
    return inner.statistics();
  }

  @Override
  public ConsistencyReport checkConsistency() {
    return inner.checkConsistency();
  }

  @Override
  public void close() {
    inner.close();
  }
}
