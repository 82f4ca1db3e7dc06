package dev.cairn.engine.hash;

import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Background file-system work that may fsync the store's files (hints, merges, deletions), run so
 * that a failure fail-stops the store before the writer acknowledges anything after it.
 *
 * <p>A failed fsync of any of the store's files is fatal (the kernel may have dropped its pages).
 * Guarded work ({@link #run}) marks each of its fsyncs ({@link #sync}); the write path calls {@link
 * #awaitQuiet()} before acknowledging a group (the leading writer for a {@code BUFFERED} group, the
 * fsync thread for a durable one), so no write is acknowledged while a background fsync that could
 * fail is in flight, and a failed one has stopped the store before the write path looks. Every I/O
 * error of guarded work counts as a failed fsync: the toolkit's helpers report some as plain I/O
 * errors, and stopping on a full disk during a merge is conservative, never unsafe. Only the fsync
 * steps hold acknowledgements back, not the reading and copying around them, which take seconds for
 * a merge.
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
   * Runs {@code work}, whose fsyncs go through {@link #sync}; an I/O failure in it stops the store,
   * then propagates.
   *
   * @throws EngineFailedException if the work failed with an I/O error
   */
  void run(String what, Runnable work) {
    try {
      work.run();
    } catch (EngineFailedException e) {
      failStop.stop(e);
      throw e;
    } catch (StorageIOException e) {
      throw stop(what, e);
    }
  }

  /**
   * Runs {@code step}, a step of guarded work that may fsync: no write is acknowledged while it
   * runs, and if it fails with an I/O error the store is stopped before any is.
   *
   * @throws EngineFailedException if the step failed with an I/O error
   */
  <T> T sync(String what, Supplier<T> step) {
    inFlight.incrementAndGet();
    try {
      return step.get();
    } catch (EngineFailedException e) {
      failStop.stop(e);
      throw e;
    } catch (StorageIOException e) {
      throw stop(what, e);
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

  private EngineFailedException stop(String what, StorageIOException e) {
    EngineFailedException f =
        new EngineFailedException(what + " failed; the store stops until reopened", e);
    failStop.stop(f);
    return f;
  }

  /** Waits until no guarded fsync is in flight. */
  void awaitQuiet() {
    for (int spins = 0; inFlight.get() > 0; spins++) {
      if (spins < 1024) {
        Thread.onSpinWait();
      } else {
        // NB: a background fsync takes a millisecond or more: wait without taking a processor.
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
    }
  }
}
