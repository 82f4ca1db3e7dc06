/**
 * The in-memory engine: an ordered, thread-safe, non-durable store with snapshots and atomic
 * batches, by multi-version concurrency control over a concurrent skip list.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.engine.memory.MemoryEngineProvider}: the name, capabilities and open.
 *   <li>{@link dev.cairn.engine.memory.MemoryEngine}: the store handle, argument checks, and the
 *       tracking of cursors and snapshots.
 *   <li>{@link dev.cairn.engine.memory.VersionedMap}: the data, the write path (sequence, apply,
 *       publish), pruning of old versions and the consistency check; its opening comment is the
 *       design.
 *   <li>{@link dev.cairn.engine.memory.Version} and {@link dev.cairn.engine.memory.ReadPins}: a
 *       key's version list, and the sequences readers hold.
 *   <li>{@link dev.cairn.engine.memory.MemoryCursor} and {@link
 *       dev.cairn.engine.memory.MemorySnapshot}: readers at a pinned sequence.
 * </ol>
 *
 * <p>The module exports nothing; it provides {@link dev.cairn.spi.StorageEngineProvider}.
 */
package dev.cairn.engine.memory;
