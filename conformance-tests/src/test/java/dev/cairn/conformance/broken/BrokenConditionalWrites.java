package dev.cairn.conformance.broken;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import java.util.Arrays;

/**
 * Engines whose conditional writes break ({@code CONDITIONAL_WRITES}), each the reference engine
 * with one bug.
 */
public final class BrokenConditionalWrites {

  private BrokenConditionalWrites() {}

  /** The first precondition of {@code batch} that does not hold in {@code e}, or null. */
  private static WriteBatch.Precondition failing(StorageEngine e, WriteBatch batch) {
    for (WriteBatch.Precondition p : batch.preconditions()) {
      byte[] found =
          p.keyspace().equals(Keyspace.DEFAULT)
              ? e.get(p.key())
              : e.keyspace(p.keyspace()).get(p.key());
      boolean holds =
          p.expected() == null
              ? found == null
              : found != null && Arrays.equals(found, p.expected());
      if (!holds) {
        return p;
      }
    }
    return null;
  }

  /**
   * Checks a batch's preconditions with plain reads, then writes the batch without them: between
   * the check and the write another writer may change the key, and its update is lost. Correct on
   * one thread.
   */
  public static StorageEngineProvider checksPreconditionsOutsideTheWriteLock() {
    return new BrokenProvider(
        "broken-conditional-race",
        ReferenceProvider.inMemoryComplete(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null || batch.preconditions().isEmpty()) {
                  delegate.write(batch, durability);
                  return;
                }
                WriteBatch.Precondition failed = failing(delegate, batch);
                if (failed != null) {
                  throw ConflictException.of(failed);
                }
                Thread.yield();
                delegate.write(Batches.copy(batch, false, Batches.ALL, r -> r), durability);
              }
            });
  }

  /**
   * When a precondition fails, applies the batch's operations on other keys before throwing {@link
   * ConflictException}: only the failed key is left alone.
   */
  public static StorageEngineProvider appliesTheOtherOperationsWhenAPreconditionFails() {
    return new BrokenProvider(
        "broken-conditional-partial",
        ReferenceProvider.inMemoryComplete(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public synchronized void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null || batch.preconditions().isEmpty()) {
                  delegate.write(batch, durability);
                  return;
                }
                WriteBatch.Precondition failed = failing(delegate, batch);
                if (failed == null) {
                  delegate.write(batch, durability);
                  return;
                }
                WriteBatch rest =
                    Batches.copy(
                        batch,
                        false,
                        (ks, op) ->
                            !(ks.equals(failed.keyspace())
                                && Arrays.equals(op.key(), failed.key())),
                        r -> r);
                delegate.write(rest, durability);
                throw ConflictException.of(failed);
              }
            });
  }
}
