/**
 * The RocksDB engine: Cairn's SPI over RocksDB's Java binding ({@code org.rocksdb}). The design,
 * with what was measured, is in {@code docs/engines/rocksdb.md}.
 *
 * <p>Reading order:
 *
 * <ol>
 *   <li>{@link dev.cairn.engine.rocksdb.RocksDbProvider}: name, capabilities, settings, open.
 *   <li>{@code RocksDbSettings}: the engine settings, typed, and the deprecated cache alias.
 *   <li>{@code StoreDirectory}: which directories the engine accepts (default file system only;
 *       nothing foreign in them).
 *   <li>{@code NativeStore}: every native object of an open store, made and freed together.
 *   <li>{@code RocksDbEngine}: the store handle; every call enters its guard.
 *   <li>{@code Keyspaces}, {@code ColumnFamily} and {@code RocksDbKeyspace}: keyspaces as column
 *       families, and how a column family's handle outlives the calls, cursors and snapshots that
 *       use it.
 *   <li>{@code Writer}: the write path; the lock that makes conditional batches atomic and orders
 *       keyspace changes; {@code RangeBounds}, a {@code KeyRange} as RocksDB's begin and end keys.
 *   <li>{@code RocksDbSnapshot} and {@code RocksDbCursor}: read views over every keyspace, and
 *       iteration with Cairn's between-entries cursor semantics over {@code RocksIterator}.
 *   <li>{@code Approximations}, {@code StoreProperties}, {@code ConsistencyCheck}: estimates,
 *       statistics and the consistency check, from RocksDB's metadata and properties.
 *   <li>{@code OpenGuard}: how closing waits for calls in flight so no native object is used after
 *       it is freed.
 *   <li>{@code RocksErrors}: RocksDB status codes mapped to the SPI's exceptions, "busy" included.
 *   <li>{@code FailStop} and {@code BackgroundErrors}: the store's failed or degraded state, and
 *       how a failure of RocksDB's own background work reaches it and {@code health()}.
 * </ol>
 */
package dev.cairn.engine.rocksdb;
