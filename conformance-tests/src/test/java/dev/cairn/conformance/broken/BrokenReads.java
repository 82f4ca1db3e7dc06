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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Engines whose cursors or snapshots break in cases the targeted groups once left to the
 * model-based group: seeks to deleted keys, keys with high bytes, the caller's seek key, empty
 * values in snapshots. Each is the reference engine with one bug.
 */
public final class BrokenReads {

  private BrokenReads() {}

  private static StorageEngineProvider broken(
      String name, Function<StorageEngine, StorageEngine> b) {
    return new BrokenProvider(name, ReferenceProvider.inMemory(), o -> o, b);
  }

  /**
   * A cursor keeps the caller's seek key and positions itself on the next step, lazily: changing
   * the array between {@code seek} and {@code next} moves the cursor.
   */
  public static StorageEngineProvider lazySeekKeepsTheCallersKey() {
    return broken(
        "broken-lazy-seek",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                return new ForwardingCursor(delegate.cursor(range, direction)) {
                  private byte[] pending;

                  @Override
                  public void seek(byte[] key) {
                    delegate.seek(key);
                    pending = key;
                  }

                  @Override
                  public boolean next() {
                    if (pending != null) {
                      delegate.seek(pending);
                      pending = null;
                    }
                    return delegate.next();
                  }
                };
              }
            });
  }

  /**
   * A seek to a deleted key steps over its tombstone as if it were an entry, and so skips the next
   * live key (on the live store; snapshots are right).
   */
  public static StorageEngineProvider seekToADeletedKeySkipsTheNextKey() {
    return broken(
        "broken-seek-tombstone",
        e ->
            new ForwardingEngine(e) {
              private final Set<ByteBuffer> tombstones = ConcurrentHashMap.newKeySet();

              @Override
              public void put(byte[] key, byte[] value, Durability durability) {
                delegate.put(key, value, durability);
                tombstones.remove(ByteBuffer.wrap(key.clone()));
              }

              @Override
              public void delete(byte[] key, Durability durability) {
                delegate.delete(key, durability);
                tombstones.add(ByteBuffer.wrap(key.clone()));
              }

              @Override
              public void write(WriteBatch batch, Durability durability) {
                delegate.write(batch, durability);
                for (WriteBatch.Operation op : batch.operations()) {
                  if (op instanceof WriteBatch.Delete) {
                    tombstones.add(ByteBuffer.wrap(op.key().clone()));
                  } else {
                    tombstones.remove(ByteBuffer.wrap(op.key().clone()));
                  }
                }
              }

              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                return new ForwardingCursor(delegate.cursor(range, direction)) {
                  private boolean onTombstone;

                  @Override
                  public void seek(byte[] key) {
                    delegate.seek(key);
                    onTombstone = tombstones.contains(ByteBuffer.wrap(key.clone()));
                  }

                  @Override
                  public boolean next() {
                    if (onTombstone) {
                      onTombstone = false;
                      delegate.next();
                    }
                    return delegate.next();
                  }
                };
              }
            });
  }

  /**
   * Seeks compare keys as signed bytes, on the live store and in snapshots, though scans are in the
   * right (unsigned) order: keys with a byte 0x80-0xFF are sought in the wrong place.
   */
  public static StorageEngineProvider seeksCompareSigned() {
    return broken(
        "broken-signed-seek",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                return new ListCursor(
                    ListCursor.drain(delegate.cursor(range, direction)),
                    Arrays::compare,
                    direction,
                    false);
              }

              @Override
              public Snapshot snapshot() {
                Snapshot real = delegate.snapshot();
                return new Snapshot() {
                  @Override
                  public byte[] get(byte[] key) {
                    return real.get(key);
                  }

                  @Override
                  public Cursor cursor(KeyRange range, Direction direction) {
                    return new ListCursor(
                        ListCursor.drain(real.cursor(range, direction)),
                        Arrays::compare,
                        direction,
                        false);
                  }

                  @Override
                  public void close() {
                    real.close();
                  }
                };
              }
            });
  }

  /**
   * A snapshot reads an empty value as absent, through {@code get} and its cursors (the live store
   * is right).
   */
  public static StorageEngineProvider snapshotsLoseEmptyValues() {
    return broken(
        "broken-snapshot-empty",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Snapshot snapshot() {
                Snapshot real = delegate.snapshot();
                return new Snapshot() {
                  @Override
                  public byte[] get(byte[] key) {
                    byte[] v = real.get(key);
                    return v != null && v.length == 0 ? null : v;
                  }

                  @Override
                  public Cursor cursor(KeyRange range, Direction direction) {
                    List<ListCursor.Entry> entries =
                        ListCursor.drain(real.cursor(range, direction)).stream()
                            .filter(en -> en.value().length > 0)
                            .toList();
                    return new ListCursor(entries, Arrays::compareUnsigned, direction, false);
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
