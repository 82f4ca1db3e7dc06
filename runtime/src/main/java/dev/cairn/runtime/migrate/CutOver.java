package dev.cairn.runtime.migrate;

import dev.cairn.spi.StorageEngine;

/**
 * What an online migration does at its cut-over, besides switching its own store handle: where the
 * application records that the target is now the store to use (a database catalog re-pointing a
 * keyspace, a configuration file). Called once, on the migrating thread, while writes are blocked,
 * after every captured write reached the target and the target was flushed; when it returns the
 * handle switches to the target and writes resume there. If it throws, the handle stays on the
 * source, writes resume there, and {@link OnlineMigration#run()} throws what it threw.
 *
 * @since 1.2
 */
@FunctionalInterface
public interface CutOver {

  /**
   * Makes {@code target} the store to use, durably: after it returns, a crash must leave the
   * application opening the target.
   *
   * @since 1.2
   */
  void switchTo(StorageEngine target);
}
