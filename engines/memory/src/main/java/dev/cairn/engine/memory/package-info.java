/**
 * The in-memory engine: an ordered, thread-safe, non-durable store with snapshots, atomic batches,
 * keyspaces, conditional writes and range deletes, by multi-version concurrency control over
 * concurrent skip lists.
 *
 * <h2>Reading order</h2>
 *
 * <ol>
 *   <li>{@link dev.cairn.engine.memory.MemoryEngineProvider}: the name, capabilities and open.
 *   <li>{@link dev.cairn.engine.memory.MemoryEngine}: the store handle, argument checks, the reads
 *       of a keyspace, and the tracking of cursors and snapshots; {@link
 *       dev.cairn.engine.memory.MemoryKeyspace}, the handle on a keyspace.
 *   <li>{@link dev.cairn.engine.memory.VersionedMap}: one keyspace's data, staging of versions,
 *       pruning of old ones and the consistency check; its opening comment is the design.
 *   <li>{@link dev.cairn.engine.memory.Writer}: the write path (lock, sequence, stage, publish,
 *       prune), batches over keyspaces with their preconditions and range deletes, creating and
 *       dropping keyspaces.
 *   <li>{@link dev.cairn.engine.memory.Sequencer} and {@link dev.cairn.engine.memory.Catalog}: the
 *       store's one write order, and its keyspaces over time.
 *   <li>{@link dev.cairn.engine.memory.Version} and {@link dev.cairn.engine.memory.ReadPins}: a
 *       key's version list, and the sequences readers hold.
 *   <li>{@link dev.cairn.engine.memory.MemoryCursor} and {@link
 *       dev.cairn.engine.memory.MemorySnapshot}: readers at a pinned sequence.
 * </ol>
 *
 * <p>The module exports nothing; it provides {@link dev.cairn.spi.StorageEngineProvider}.
 */
package dev.cairn.engine.memory;
