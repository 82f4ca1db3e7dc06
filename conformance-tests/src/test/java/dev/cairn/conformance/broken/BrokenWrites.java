package dev.cairn.conformance.broken;

import dev.cairn.conformance.reference.ReferenceProvider;
import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.WriteBatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Engines whose writes break where the runtime or a single writer hides it: batches racing other
 * batches, read-only mode, the default durability of one-argument writes. Each is the reference
 * engine with one bug.
 */
public final class BrokenWrites {

  private BrokenWrites() {}

  /**
   * A batch is atomic when it is the only one being written; when another batch is in flight, it is
   * applied one operation at a time (as an engine that reserves sequence numbers per operation
   * rather than per batch would publish it), so readers see part of it. Correct with one writer.
   */
  public static StorageEngineProvider batchesTearWhenTwoRace() {
    return new BrokenProvider(
        "broken-racing-batches",
        ReferenceProvider.inMemory(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              private final AtomicInteger writing = new AtomicInteger();

              @Override
              public void write(WriteBatch batch, Durability durability) {
                if (batch == null || durability == null) {
                  delegate.write(batch, durability);
                  return;
                }
                try {
                  if (writing.incrementAndGet() == 1) {
                    delegate.write(batch, durability);
                    return;
                  }
                  for (WriteBatch.Operation op : batch.operations()) {
                    switch (op) {
                      case WriteBatch.Put p -> delegate.put(p.key(), p.value(), durability);
                      case WriteBatch.Delete d -> delegate.delete(d.key(), durability);
                      case WriteBatch.DeleteRange r ->
                          throw new dev.cairn.spi.UnsupportedCapabilityException(
                              "range deletes (capability RANGE_DELETES)");
                    }
                    Thread.yield();
                  }
                } finally {
                  writing.decrementAndGet();
                }
              }
            });
  }

  /**
   * Opens every store read-write, even when asked for read-only: through the runtime, which refuses
   * writes to a read-only store itself, nothing shows; called directly, it accepts writes.
   */
  public static StorageEngineProvider readOnlyLeftToTheRuntime() {
    return new BrokenProvider(
        "broken-read-only",
        ReferenceProvider.durable(),
        o -> o.toBuilder().readOnly(false).build(),
        e -> e);
  }

  /**
   * Its one-argument {@code put}, {@code delete} and {@code write} are {@code BUFFERED} whatever
   * the store was opened with: through the runtime, which names the default durability on every
   * call, nothing shows; called directly, writes acknowledged under a {@code SYNC} default are lost
   * in a power cut.
   */
  public static StorageEngineProvider oneArgumentWritesIgnoreTheDefault() {
    return new BrokenProvider(
        "broken-default-durability",
        ReferenceProvider.durable(),
        o -> o,
        e ->
            new ForwardingEngine(e) {
              @Override
              public void put(byte[] key, byte[] value) {
                delegate.put(key, value, Durability.BUFFERED);
              }

              @Override
              public void delete(byte[] key) {
                delegate.delete(key, Durability.BUFFERED);
              }

              @Override
              public void write(WriteBatch batch) {
                delegate.write(batch, Durability.BUFFERED);
              }
            });
  }
}
