package dev.cairn.conformance.broken;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Deliberately broken engines, each the reference engine with one bug, for proving that the suite
 * catches that bug.
 */
public final class BrokenEngines {

  private BrokenEngines() {}

  private static StorageEngineProvider broken(
      String name, Function<StorageEngine, StorageEngine> b) {
    return new BrokenProvider(name, ReferenceProvider.inMemory(), o -> o, b);
  }

  /** Cursors order keys by signed bytes: {@code 0x80} before {@code 0x7F}. */
  public static StorageEngineProvider wrongKeyOrder() {
    return broken(
        "broken-key-order",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                List<ListCursor.Entry> entries =
                    new ArrayList<>(ListCursor.drain(delegate.cursor(range, Direction.FORWARD)));
                entries.sort((a, b) -> Arrays.compare(a.key(), b.key()));
                if (direction == Direction.REVERSE) {
                  Collections.reverse(entries);
                }
                return new ListCursor(entries, Arrays::compare, direction, false);
              }
            });
  }

  /** A batch loses its last operation. */
  public static StorageEngineProvider partialBatch() {
    return broken(
        "broken-partial-batch",
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                WriteBatch partial = new WriteBatch();
                List<WriteBatch.Operation> ops = batch.operations();
                for (int i = 0; i < ops.size() - 1; i++) {
                  if (ops.get(i) instanceof WriteBatch.Put p) {
                    partial.put(p.key(), p.value());
                  } else {
                    partial.delete(ops.get(i).key());
                  }
                }
                delegate.write(partial, durability);
              }
            });
  }

  /** A snapshot reads the live store, so it sees later writes. */
  public static StorageEngineProvider snapshotSeesLaterWrites() {
    return broken(
        "broken-snapshot",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Snapshot snapshot() {
                Snapshot real = delegate.snapshot();
                StorageEngine live = delegate;
                return new Snapshot() {
                  @Override
                  public byte[] get(byte[] key) {
                    real.get(key); // keeps closed-handle behaviour
                    return live.get(key);
                  }

                  @Override
                  public Cursor cursor(KeyRange range, Direction direction) {
                    real.cursor(range, direction).close();
                    return live.cursor(range, direction);
                  }

                  @Override
                  public void close() {
                    real.close();
                  }
                };
              }
            });
  }

  /** A forward cursor stops before the last key of its range. */
  public static StorageEngineProvider cursorSkipsLastKey() {
    return broken(
        "broken-skips-last",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                List<ListCursor.Entry> entries =
                    new ArrayList<>(ListCursor.drain(delegate.cursor(range, direction)));
                if (direction == Direction.FORWARD && !entries.isEmpty()) {
                  entries.removeLast();
                }
                return new ListCursor(entries, Arrays::compareUnsigned, direction, false);
              }
            });
  }

  /** A reverse cursor starts one entry late, missing the highest key of its range. */
  public static StorageEngineProvider reverseCursorOffByOne() {
    return broken(
        "broken-reverse",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                List<ListCursor.Entry> entries =
                    new ArrayList<>(ListCursor.drain(delegate.cursor(range, direction)));
                if (direction == Direction.REVERSE && !entries.isEmpty()) {
                  entries.removeFirst();
                }
                return new ListCursor(entries, Arrays::compareUnsigned, direction, false);
              }
            });
  }

  /** A deleted key comes back with its old value when another key is next written. */
  public static StorageEngineProvider deleteComesBack() {
    return broken(
        "broken-resurrect",
        e ->
            new ForwardingEngine(e) {
              private final Map<ByteBuffer, byte[]> graveyard = new HashMap<>();

              @Override
              public synchronized void delete(byte[] key, Durability durability) {
                byte[] old = key == null ? null : delegate.get(key);
                delegate.delete(key, durability);
                if (old != null) {
                  graveyard.put(ByteBuffer.wrap(key.clone()), old);
                }
              }

              @Override
              public synchronized void put(byte[] key, byte[] value, Durability durability) {
                delegate.put(key, value, durability);
                for (Map.Entry<ByteBuffer, byte[]> dead : graveyard.entrySet()) {
                  if (!dead.getKey().equals(ByteBuffer.wrap(key))) {
                    delegate.put(dead.getKey().array(), dead.getValue(), durability);
                  }
                }
                graveyard.clear();
              }
            });
  }

  /**
   * Puts pass through one shared slot without a lock: concurrent puts overwrite each other's
   * request, so some are lost. Correct on one thread.
   */
  public static StorageEngineProvider lostUpdate() {
    return broken(
        "broken-lost-update",
        e ->
            new ForwardingEngine(e) {
              private volatile byte[][] pending;

              @Override
              public void put(byte[] key, byte[] value, Durability durability) {
                pending = new byte[][] {key, value};
                for (int i = 0; i < 200; i++) {
                  Thread.onSpinWait();
                }
                Thread.yield();
                byte[][] p = pending;
                delegate.put(p[0], p[1], durability);
              }
            });
  }

  /** Values longer than 4 KiB are cut to 4 KiB. */
  public static StorageEngineProvider truncatesValues() {
    return broken(
        "broken-truncate",
        e ->
            new ForwardingEngine(e) {
              @Override
              public void put(byte[] key, byte[] value, Durability durability) {
                delegate.put(
                    key,
                    value != null && value.length > 4096 ? Arrays.copyOf(value, 4096) : value,
                    durability);
              }
            });
  }

  /** Cursor views stay readable after the cursor moves, showing stale bytes. */
  public static StorageEngineProvider staleViews() {
    return broken(
        "broken-stale-views",
        e ->
            new ForwardingEngine(e) {
              @Override
              public Cursor cursor(KeyRange range, Direction direction) {
                return new ListCursor(
                    ListCursor.drain(delegate.cursor(range, direction)),
                    Arrays::compareUnsigned,
                    direction,
                    true);
              }
            });
  }

  /** An empty value reads back as absent. */
  public static StorageEngineProvider emptyValueIsAbsent() {
    return broken(
        "broken-empty-value",
        e ->
            new ForwardingEngine(e) {
              @Override
              public byte[] get(byte[] key) {
                byte[] v = delegate.get(key);
                return v != null && v.length == 0 ? null : v;
              }
            });
  }

  /** The engine's own check finds damage after any delete: only the after-test check sees it. */
  public static StorageEngineProvider damagedByDeletes() {
    return broken(
        "broken-check",
        e ->
            new ForwardingEngine(e) {
              private volatile boolean damaged;

              @Override
              public void delete(byte[] key, Durability durability) {
                delegate.delete(key, durability);
                damaged = true;
              }

              @Override
              public ConsistencyReport checkConsistency() {
                ConsistencyReport r = delegate.checkConsistency();
                return damaged
                    ? new ConsistencyReport(r.itemsChecked(), List.of("index page 7 unreachable"))
                    : r;
              }
            });
  }

  /**
   * Unknown settings are dropped instead of rejected (the runtime hides it; direct calls do not).
   */
  public static StorageEngineProvider ignoresUnknownSettings() {
    StorageEngineProvider base = ReferenceProvider.inMemory();
    return new BrokenProvider(
        "broken-settings",
        base,
        o -> {
          var known = base.settings().stream().map(s -> s.name()).collect(Collectors.toSet());
          EngineOptions.Builder b =
              EngineOptions.builder()
                  .createIfMissing(o.createIfMissing())
                  .readOnly(o.readOnly())
                  .defaultDurability(o.defaultDurability());
          o.directory().ifPresent(b::directory);
          o.settings()
              .forEach(
                  (k, v) -> {
                    if (known.contains(k)) {
                      b.setting(k, v);
                    }
                  });
          return b.build();
        },
        e -> e);
  }

  /** Declares durability but starts every open from an empty store. */
  public static StorageEngineProvider forgetsOnReopen() {
    return new BrokenProvider(
        "broken-forgetful",
        ReferenceProvider.durable(),
        o -> {
          o.directory()
              .ifPresent(
                  d -> {
                    try {
                      Files.deleteIfExists(d.resolve("reference.log"));
                    } catch (IOException x) {
                      throw new StorageIOException("cannot forget " + d, x);
                    }
                  });
          return o;
        },
        e -> e);
  }

  /** Throws a {@link NullPointerException} for a null key instead of the SPI's exception. */
  public static StorageEngineProvider throwsOutsideTheHierarchy() {
    return broken(
        "broken-npe",
        e ->
            new ForwardingEngine(e) {
              @Override
              public byte[] get(byte[] key) {
                if (key == null) {
                  throw new NullPointerException("key");
                }
                return delegate.get(key);
              }
            });
  }
}
