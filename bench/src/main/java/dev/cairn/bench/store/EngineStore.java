package dev.cairn.bench.store;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.List;

/**
 * A Cairn engine as a {@link BenchStore}: calls go straight to the engine's SPI handle. Thread-safe
 * as engines are.
 */
final class EngineStore implements BenchStore {

  /** The statistics detail that names the bytes of an engine's index, when it reports one. */
  static final String INDEX_BYTES = "index.bytes";

  private final StorageEngine engine;
  private final boolean ordered;
  private final boolean durable;
  private final ForceRecorder forces;

  EngineStore(StorageEngine engine, boolean ordered, boolean durable, ForceRecorder forces) {
    this.engine = engine;
    this.ordered = ordered;
    this.durable = durable;
    this.forces = forces;
  }

  @Override
  public ForceRecorder forces() {
    return forces;
  }

  @Override
  public boolean ordered() {
    return ordered;
  }

  @Override
  public boolean durable() {
    return durable;
  }

  @Override
  public double indexBytesPerKey() {
    EngineStatistics s = engine.statistics();
    Long bytes = s.details().get(INDEX_BYTES);
    if (bytes == null || s.approximateKeys() <= 0) {
      return Double.NaN;
    }
    return (double) bytes / s.approximateKeys();
  }

  @Override
  public byte[] get(byte[] key) {
    return engine.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value, Durability durability) {
    engine.put(key, value, durability);
  }

  @Override
  public void delete(byte[] key, Durability durability) {
    engine.delete(key, durability);
  }

  @Override
  public void putAll(List<byte[]> keys, List<byte[]> values, Durability durability) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < keys.size(); i++) {
      batch.put(keys.get(i), values.get(i));
    }
    engine.write(batch, durability);
  }

  @Override
  public int scan(byte[] start, int count) {
    int n = 0;
    try (Cursor c = engine.cursor(KeyRange.atLeast(start), dev.cairn.spi.Direction.FORWARD)) {
      while (n < count && c.next()) {
        c.valueView().size();
        n++;
      }
    }
    return n;
  }

  @Override
  public long statistic(String name) {
    Long v = engine.statistics().details().get(name);
    return v == null ? -1 : v;
  }

  @Override
  public void flush() {
    engine.flush();
  }

  @Override
  public long diskBytes() {
    return engine.statistics().diskBytes();
  }

  @Override
  public long approximateKeys() {
    return engine.statistics().approximateKeys();
  }

  @Override
  public long memoryBytes() {
    return engine.statistics().memoryBytes();
  }

  @Override
  public void close() {
    engine.close();
  }
}
