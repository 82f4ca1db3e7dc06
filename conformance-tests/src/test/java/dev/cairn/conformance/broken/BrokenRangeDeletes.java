package dev.cairn.conformance.broken;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Engines whose range deletes break ({@code RANGE_DELETES}), each the reference engine with one
 * bug.
 */
public final class BrokenRangeDeletes {

  private BrokenRangeDeletes() {}

  /** A range delete's exclusive upper bound is taken as inclusive: the bound key goes too. */
  public static StorageEngineProvider exclusiveUpperBoundTreatedAsInclusive() {
    return new BrokenProvider(
        "broken-range-upper",
        ReferenceProvider.inMemoryComplete(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null || !batch.hasRangeDeletes()) {
                  delegate.write(batch, durability);
                  return;
                }
                delegate.write(
                    Batches.copy(
                        batch,
                        true,
                        Batches.ALL,
                        r ->
                            r.upper() == null
                                ? r
                                : new KeyRange(
                                    r.lower(), new KeyRange.Bound(r.upper().key(), true))),
                    durability);
              }
            });
  }

  /**
   * A batch's range deletes apply after its other operations, as an engine that keeps range
   * tombstones apart and applies them at the end of the batch: a put that follows a range delete in
   * the batch is deleted by it.
   */
  public static StorageEngineProvider ignoresOrderWithinTheBatch() {
    return new BrokenProvider(
        "broken-range-order",
        ReferenceProvider.inMemoryComplete(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null || !batch.hasRangeDeletes()) {
                  delegate.write(batch, durability);
                  return;
                }
                WriteBatch reordered =
                    Batches.copy(
                        batch, true, (ks, op) -> !(op instanceof WriteBatch.DeleteRange), r -> r);
                for (String ks : batch.keyspaces()) {
                  Batches.add(
                      reordered,
                      ks,
                      batch.operations(ks),
                      (k, op) -> op instanceof WriteBatch.DeleteRange,
                      r -> r);
                }
                delegate.write(reordered, durability);
              }
            });
  }

  /**
   * A range delete is carried out key by key, each delete its own write, and the batch around it
   * operation by operation: readers see part of it. In memory.
   */
  public static StorageEngineProvider deletesKeyByKey() {
    return deletesKeyByKey(ReferenceProvider.inMemoryComplete());
  }

  /** {@link #deletesKeyByKey()}, durable: a crash leaves part of a range delete. */
  public static StorageEngineProvider deletesKeyByKeyDurably() {
    return deletesKeyByKey(ReferenceProvider.durable());
  }

  private static StorageEngineProvider deletesKeyByKey(StorageEngineProvider base) {
    return new BrokenProvider(
        "broken-range-key-by-key",
        base,
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null || !batch.hasRangeDeletes()) {
                  delegate.write(batch, durability);
                  return;
                }
                for (String ks : batch.keyspaces()) {
                  for (WriteBatch.Operation op : batch.operations(ks)) {
                    switch (op) {
                      case WriteBatch.DeleteRange r -> {
                        for (byte[] key : keys(ks, r.range())) {
                          delegate.write(new WriteBatch().delete(ks, key), Durability.BUFFERED);
                          Thread.yield();
                        }
                      }
                      default -> {
                        WriteBatch one = new WriteBatch();
                        Batches.add(one, ks, List.of(op), Batches.ALL, r -> r);
                        delegate.write(one, Durability.BUFFERED);
                      }
                    }
                  }
                }
                if (durability == Durability.SYNC) {
                  delegate.flush();
                }
              }

              private List<byte[]> keys(String ks, KeyRange range) {
                List<byte[]> keys = new ArrayList<>();
                try (Cursor c =
                    (ks.equals(Keyspace.DEFAULT) ? delegate : delegate.keyspace(ks))
                        .cursor(range, Direction.FORWARD)) {
                  while (c.next()) {
                    keys.add(c.key());
                  }
                }
                return keys;
              }
            });
  }
}
