package dev.cairn.runtime.migrate;

import dev.cairn.runtime.transfer.TransferProgress;

/**
 * How far a migration has got, told to the caller's listener on the thread doing the work, about
 * once per batch.
 *
 * @param phase what the migration is doing
 * @param transfer the keyspace and counts: entries copied (or read, verifying) so far over every
 *     keyspace, bytes of keys and values copied in {@code streamBytes}, and in {@code
 *     expectedEntries} what the source's statistics estimate (-1 when they cannot say)
 * @since 1.2
 */
public record MigrationProgress(Phase phase, TransferProgress transfer) {

  /**
   * A migration's phases, in order.
   *
   * @since 1.2
   */
  public enum Phase {
    /** Copying the source's entries to the target in batches. */
    COPYING,
    /** Applying to the target the writes captured while copying (online only). */
    REPLAYING,
    /** Comparing the two sides range by range. */
    VERIFYING,
    /** Writes briefly blocked while the last captured ones reach the target (online only). */
    CUTTING_OVER
  }
}
