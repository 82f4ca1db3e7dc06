package dev.cairn.conformance.broken;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Engines that break only at some sizes of keys or values, past a 4 KiB page or a 64 KiB block:
 * correct on the tiny keys and values most tests write. Each is the reference engine with one bug.
 */
public final class BrokenSizes {

  /** Where these engines change behaviour: a key or value longer than a page is "large". */
  static final int PAGE = 4096;

  private BrokenSizes() {}

  private static StorageEngineProvider broken(
      String name, Function<StorageEngine, StorageEngine> b) {
    return new BrokenProvider(name, ReferenceProvider.inMemory(), o -> o, b);
  }

  /** A key as a map key, by content. */
  private static ByteBuffer id(byte[] key) {
    return ByteBuffer.wrap(key.clone());
  }

  /**
   * Keeps a reference to the caller's value array when it is larger than a page, to save a copy:
   * changing the array after {@code put} returns changes what {@code get} reads.
   */
  public static StorageEngineProvider keepsTheCallersLargeValues() {
    return broken(
        "broken-keeps-arrays",
        e ->
            new ForwardingEngine(e) {
              private final Map<ByteBuffer, byte[]> kept = new ConcurrentHashMap<>();

              @Override
              public void put(byte[] key, byte[] value, Durability durability) {
                delegate.put(key, value, durability);
                if (value.length > PAGE) {
                  kept.put(id(key), value);
                } else {
                  kept.remove(id(key));
                }
              }

              @Override
              public void delete(byte[] key, Durability durability) {
                delegate.delete(key, durability);
                kept.remove(id(key));
              }

              @Override
              public void write(WriteBatch batch, Durability durability) {
                delegate.write(batch, durability);
                batch.operations().forEach(op -> kept.remove(id(op.key())));
              }

              @Override
              public byte[] get(byte[] key) {
                byte[] stored = delegate.get(key);
                byte[] alias = stored == null ? null : kept.get(id(key));
                return alias != null ? alias.clone() : stored;
              }
            });
  }

  /**
   * Hands out its own array for values larger than a page, from {@code get} and from a cursor's
   * {@code value()}, instead of a copy: a caller that changes a returned array changes what the
   * next read returns.
   */
  public static StorageEngineProvider sharesLargeValueArrays() {
    return broken(
        "broken-shares-arrays",
        e ->
            new ForwardingEngine(e) {
              private final Map<ByteBuffer, byte[]> own = new ConcurrentHashMap<>();

              private byte[] shared(byte[] key, byte[] value) {
                return value != null && value.length > PAGE
                    ? own.computeIfAbsent(id(key), k -> value)
                    : value;
              }

              @Override
              public byte[] get(byte[] key) {
                return shared(key, delegate.get(key));
              }

              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                return new ForwardingCursor(delegate.cursor(range, direction)) {
                  @Override
                  public byte[] value() {
                    return shared(delegate.key(), delegate.value());
                  }
                };
              }

              @Override
              public void put(byte[] key, byte[] value, Durability durability) {
                delegate.put(key, value, durability);
                own.remove(id(key));
              }

              @Override
              public void delete(byte[] key, Durability durability) {
                delegate.delete(key, durability);
                own.remove(id(key));
              }

              @Override
              public void write(WriteBatch batch, Durability durability) {
                delegate.write(batch, durability);
                batch.operations().forEach(op -> own.remove(id(op.key())));
              }
            });
  }

  /**
   * Drops an overwrite of a key longer than a page when the new value's size differs from the old
   * one's (as an engine that updates an overflow record in place only when it fits would).
   */
  public static StorageEngineProvider dropsResizingOverwritesOfLongKeys() {
    return broken(
        "broken-long-key-overwrite",
        e ->
            new ForwardingEngine(e) {
              @Override
              public synchronized void put(byte[] key, byte[] value, Durability durability) {
                if (key != null && value != null && key.length > PAGE) {
                  byte[] old = delegate.get(key);
                  if (old != null && old.length != value.length) {
                    return;
                  }
                }
                delegate.put(key, value, durability);
              }
            });
  }

  /**
   * Identifies keys longer than a page by their first page, as an index keyed on a truncated key
   * would: a put or get of one such key reaches another that shares the first 4 KiB.
   */
  public static StorageEngineProvider identifiesLongKeysByTheirFirstPage() {
    return broken(
        "broken-key-prefix",
        e ->
            new ForwardingEngine(e) {
              /** A stored key other than {@code key} with its first page, or {@code key}. */
              private byte[] resolve(byte[] key) {
                if (key == null || key.length <= PAGE) {
                  return key;
                }
                try (Cursor c =
                    delegate.cursor(KeyRange.prefix(Arrays.copyOf(key, PAGE)), Direction.FORWARD)) {
                  while (c.next()) {
                    byte[] other = c.key();
                    if (other.length > PAGE && !Arrays.equals(other, key)) {
                      return other;
                    }
                  }
                }
                return key;
              }

              @Override
              public synchronized void put(byte[] key, byte[] value, Durability durability) {
                delegate.put(resolve(key), value, durability);
              }

              @Override
              public synchronized byte[] get(byte[] key) {
                byte[] v = delegate.get(key);
                return v != null ? v : delegate.get(resolve(key));
              }
            });
  }

  /** Cuts values in a write batch to 64 KiB (single puts are whole). */
  public static StorageEngineProvider batchesTruncateLargeValues() {
    return broken(
        "broken-batch-truncate",
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null) {
                  delegate.write(null, durability);
                  return;
                }
                WriteBatch cut = new WriteBatch();
                for (WriteBatch.Operation op : batch.operations()) {
                  switch (op) {
                    case WriteBatch.Put p ->
                        cut.put(
                            p.key(), Arrays.copyOf(p.value(), Math.min(p.value().length, 65_536)));
                    case WriteBatch.Delete d -> cut.delete(d.key());
                    case WriteBatch.DeleteRange r ->
                        throw new dev.cairn.spi.UnsupportedCapabilityException(
                            "range deletes (capability RANGE_DELETES)");
                  }
                }
                delegate.write(cut, durability);
              }
            });
  }

  /**
   * A snapshot reads values larger than a page from the live store, as an engine that keeps large
   * values out of line and does not pin them for its snapshots would: it sees later overwrites and
   * deletes of large values.
   */
  public static StorageEngineProvider snapshotsReadLargeValuesLive() {
    return broken(
        "broken-snapshot-large",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Snapshot snapshot() {
                Snapshot real = delegate.snapshot();
                StorageEngine live = delegate;
                return new Snapshot() {
                  @Override
                  public byte[] get(byte[] key) {
                    byte[] v = real.get(key);
                    return v != null && v.length > PAGE ? live.get(key) : v;
                  }

                  @Override
                  public Cursor cursor(KeyRange range, Direction direction) {
                    return real.cursor(range, direction);
                  }

                  @Override
                  public void close() {
                    real.close();
                  }
                };
              }
            });
  }
}
