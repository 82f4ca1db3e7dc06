package dev.cairn.engine.hash;

import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Background file-system work that may fsync the store's files (hints, merges, deletions), run so
 * that a failure fail-stops the store before the writer acknowledges anything after it.
 *
 * <p>A failed fsync of any of the store's files is fatal (the kernel may have dropped its pages).
 * The writer calls {@link #awaitQuiet()} before acknowledging a group, so no write is acknowledged
 * while a background fsync that could fail is in flight. Every I/O error of guarded work counts as
 * a failed fsync: the toolkit's helpers report some as plain I/O errors, and stopping on a full
 * disk during a merge is conservative, never unsafe.
 *
 * <p>Thread-safe.
 */
final class FsyncGuard {

  private final AtomicInteger inFlight = new AtomicInteger();
  private final Consumer<EngineFailedException> failStop;

  FsyncGuard(Consumer<EngineFailedException> failStop) {
    this.failStop = failStop;
  }

  /**
   * Runs {@code work}; an I/O failure in it stops the store, then propagates.
   *
   * @throws EngineFailedException if the work failed with an I/O error
   */
  void run(String what, Runnable work) {
    inFlight.incrementAndGet();
    try {
      work.run();
    } catch (EngineFailedException e) {
      failStop.accept(e);
      throw e;
    } catch (StorageIOException e) {
      EngineFailedException f =
          new EngineFailedException(what + " failed; the store stops until reopened", e);
      failStop.accept(f);
      throw f;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  /**
   * Runs {@code step} of guarded work as if outside it: for a step that waits for the writer, which
   * itself waits for guarded work to finish.
   */
  void outside(Runnable step) {
    inFlight.decrementAndGet();
    try {
      step.run();
    } finally {
      inFlight.incrementAndGet();
    }
  }

  /** Waits until no guarded work is in flight. */
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
