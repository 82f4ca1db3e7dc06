package dev.cairn.runtime.migrate;

import java.util.List;

/**
 * What a migration did, once it completed: verified (offline) or cut over (online).
 *
 * @param sourceEngine the source's engine
 * @param targetEngine the target's engine
 * @param keyspaces the keyspaces migrated, sorted
 * @param entries the entries the verification counted on both sides, over every keyspace
 * @param copiedEntries entries the copy read from the source (more than {@code entries} when a
 *     resumed copy rescanned, fewer when it resumed past some)
 * @param copiedBytes bytes of keys and values the copy read
 * @param ranges the ranges (key ranges or hash buckets) compared, over every keyspace
 * @param orderedRanges true when ranges were spans of key space, false when hash buckets
 * @param resumed true when this run continued a migration a progress file recorded
 * @param replayedKeys keys replayed from the change log (online; 0 offline)
 * @param repairedEntries entries a repair wrote or deleted (online, after a resumed copy; 0
 *     otherwise)
 * @param cutOverNanos how long writes were blocked for the cut-over (online; 0 offline)
 * @param nanos how long the migration took
 * @since 1.2
 */
public record MigrationSummary(
    String sourceEngine,
    String targetEngine,
    List<String> keyspaces,
    long entries,
    long copiedEntries,
    long copiedBytes,
    long ranges,
    boolean orderedRanges,
    boolean resumed,
    long replayedKeys,
    long repairedEntries,
    long cutOverNanos,
    long nanos) {

  /** Copies the list. */
  public MigrationSummary {
    keyspaces = List.copyOf(keyspaces);
  }
}
