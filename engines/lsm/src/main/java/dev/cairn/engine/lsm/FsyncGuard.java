package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Background file-system work that may fsync the store's files (tables, the manifest, deletions),
 * run so that a failure fail-stops the store before the writer acknowledges anything after it.
 *
 * <p>A failed fsync of any of the store's files is fatal (the kernel may have dropped its pages).
 * Each guarded step ({@link #sync}) counts as in flight while it runs; the write path calls {@link
 * #awaitQuiet()} before acknowledging a group (the leader for a {@code BUFFERED} group, the fsync
 * thread for a durable one), so no write is acknowledged while a background step that could fail is
 * in flight, and a failed one has stopped the store before the write path looks. Every storage
 * error of a guarded step stops the store: stopping on a full disk during a flush is conservative,
 * never unsafe (the log keeps every write, and reopening retries).
 *
 * <p>Thread-safe.
 */
final class FsyncGuard {

  private final AtomicInteger inFlight = new AtomicInteger();
  private final FailStop failStop;

  FsyncGuard(FailStop failStop) {
    this.failStop = failStop;
  }

  /**
   * Runs {@code step}, a step of background work that may fsync: no write is acknowledged while it
   * runs, and if it fails with a storage error the store is stopped before any is.
   *
   * @throws EngineFailedException if the step failed (the store is stopped)
   */
  <T> T sync(String what, Supplier<T> step) {
    inFlight.incrementAndGet();
    try {
      return step.get();
    } catch (EngineFailedException e) {
      failStop.stop(e);
      throw e;
    } catch (StorageException e) {
      throw failStop.stop(what + " failed", e);
    } catch (RuntimeException | Error e) {
      throw failStop.stop(what + " failed unexpectedly", e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /** {@link #sync(String, Supplier)} for a step without a result. */
  void sync(String what, Runnable step) {
    sync(
        what,
        () -> {
          step.run();
          return null;
        });
  }

  /**
   * Waits until no guarded step is in flight, then throws if the store has stopped: called before
   * anything is made durable that relies on earlier fsyncs (a version edit naming a table). NB: a
   * failed fsync of the directory may have dropped the entries of files created before it, and a
   * later fsync then "succeeds" without them (fsyncgate, for directories): nothing may be logged
   * once any fsync failed.
   *
   * @throws EngineFailedException if the store has stopped
   */
  void checkNoFailure() {
    awaitQuiet();
    failStop.check();
  }

  /** Waits until no guarded step is in flight. */
  void awaitQuiet() {
    for (int spins = 0; inFlight.get() > 0; spins++) {
      if (spins < 1024) {
        Thread.onSpinWait();
      } else {
        // NB: a background fsync takes a millisecond or more: wait without taking a processor.
        LockSupport.parkNanos(20_000);
      }
    }
  }
}
