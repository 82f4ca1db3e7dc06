/**
 * The LSM engine: a durable log-structured merge tree (LevelDB, RocksDB and Pebble lineage) for
 * write-heavy and ordered workloads.
 *
 * <p>Reading order: {@link dev.cairn.engine.lsm.LsmEngineProvider} (settings, capabilities); {@code
 * LsmEngine} (the operations); the write path: {@code CommitQueue} (group commit on callers'
 * threads), {@code WalSyncer} (the fsync thread), {@code WalFile}, {@code WalFormat} and {@code
 * WalRecord} (the log's bytes), {@code BatchCodec}, {@code MemTable}; what readers share: {@code
 * StoreState}, {@code ReadState}, {@code Version}, {@code TableFile}; the tables: {@code
 * TableFormat}, {@code BlockBuilder} and {@code Block}, {@code BloomFilter}, {@code TableWriter},
 * {@code Table}, {@code BlockCache}; the read path: {@code InternalKey} and {@code StoreKeys},
 * {@code InternalIterator} and its kinds ({@code MemTableIterator}, {@code TableIterator}, {@code
 * LevelIterator}, {@code MergingIterator}), {@code LsmCursor}, {@code LsmSnapshot}; the durable
 * state: {@code VersionEdit}, {@code Manifest}, {@code VersionSet}, {@code Recovery}; background
 * work: {@code BackgroundThread}, {@code Flusher}, {@code CompactionPicker}, {@code Compactor},
 * {@code FileDeleter}; when the store stops: {@code FailStop}, {@code FsyncGuard}; and {@code
 * ConsistencyChecker}. The design is in {@code docs/engines/lsm.md}; the formats in {@code
 * docs/formats/lsm-*.md}.
 */
package dev.cairn.engine.lsm;
