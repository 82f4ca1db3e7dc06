/**
 * The hash engine: a durable log-structured hash store (Bitcask lineage) with an off-heap index.
 *
 * <p>Reading order: {@link dev.cairn.engine.hash.HashEngineProvider} (settings, capabilities);
 * {@code HashEngine} (the operations); {@code LogWriter} (write path, group commit), {@code
 * GroupConditions} (preconditions, checked by the leader) and {@code Syncer} (the fsync thread:
 * forces and file rolls); {@code FailStop} and {@code FsyncGuard} (when the store stops); {@code
 * DataRecord} and {@code DataFile} (the data file format and reads); {@code Keydir} and {@code
 * KeydirSegment} (the off-heap index); {@code IndexState} (what readers, the writer and merge
 * share: read path, index side of writes, publication); {@code Recovery} and {@code HintFile}
 * (opening); {@code Merger} (hints, merge, deletion); {@code History}, {@code HashSnapshot} and
 * {@code HashCursor} (snapshots and iteration); {@code Checkpointer}, {@code ConsistencyChecker}.
 * The design is in {@code docs/engines/hash.md}; the formats in {@code docs/formats/hash-*.md}.
 */
package dev.cairn.engine.hash;
