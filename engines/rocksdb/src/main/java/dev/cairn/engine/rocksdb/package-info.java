/**
 * The RocksDB engine: Cairn's SPI over RocksDB's Java binding ({@code org.rocksdb}).
 *
 * <p>Reading order:
 *
 * <ol>
 *   <li>{@link dev.cairn.engine.rocksdb.RocksDbProvider}: name, capabilities, settings, open.
 *   <li>{@code RocksDbSettings}: the engine settings and how they become RocksDB options.
 *   <li>{@code StoreDirectory}: which directories the engine accepts (default file system only;
 *       nothing foreign in them).
 *   <li>{@code RocksDbEngine}: the store handle; owns every native object.
 *   <li>{@code RocksDbSnapshot} and {@code RocksDbCursor}: read views and iteration with Cairn's
 *       between-entries cursor semantics over {@code RocksIterator}.
 *   <li>{@code OpenGuard}: how closing waits for calls in flight so no native object is used after
 *       it is freed.
 *   <li>{@code RocksErrors}: RocksDB status codes mapped to the SPI's exceptions.
 *   <li>{@code FailStop} and {@code BackgroundErrors}: the store's failed state, and how a failure
 *       of RocksDB's own background work (a table file that cannot be written) reaches it.
 * </ol>
 */
package dev.cairn.engine.rocksdb;
