package dev.cairn.runtime.migrate;

/**
 * How an application holds its writers for an online migration's cut-over when it routes them
 * through {@link OnlineMigration#store()} behind a lock of its own: a database keyspace's cut-over
 * ({@code Database.cutOver}), which holds the keyspace's calls, opens the target itself and
 * re-points the keyspace in its catalog.
 *
 * <p>Design. The wrapper's own block cannot serve such an application: its writers take the
 * application's lock first and the wrapper's second, so a cut-over inside the wrapper's block that
 * then waits for the application's lock deadlocks with them. With a hold, the cut-over's steps run
 * inside the application's lock instead, and the wrapper is not switched: the application itself
 * stops writing through it when the hold ends.
 *
 * @since 1.2
 */
@FunctionalInterface
public interface WriteHold {

  /**
   * Holds every writer of {@link OnlineMigration#store()}, runs {@code cutOver} on this thread (it
   * replays the last captured keys, flushes the target, records the migration complete and calls
   * the {@link CutOver} hook), and then, before letting writers go on, makes them write to the
   * target, durably: after it returns, a crash must leave the application opening the target. If
   * {@code cutOver} throws, the hold lets writers go on to the source and throws what it threw; if
   * the hold fails after {@code cutOver} returned, it throws, and the source must go on serving.
   *
   * @since 1.2
   */
  void hold(Runnable cutOver);
}
