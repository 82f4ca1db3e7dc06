package dev.cairn.engine.hash;

import dev.cairn.spi.EngineFailedException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether the store has stopped, and why: the one owner of the fail-stop state that the writer, the
 * fsync thread, the background thread and {@link FsyncGuard} share.
 *
 * <p>The store stops for good (until reopened) after a failed write or fsync (the kernel may have
 * dropped dirty pages: PostgreSQL's "fsyncgate"), and after background work fails unexpectedly (an
 * engine thread never dies silently). Once stopped, every write and flush throws {@link
 * EngineFailedException} with the first failure as its cause; statistics report it ({@code failed},
 * {@code background.errors}). The first failure wins: later ones are consequences.
 *
 * <p>Thread-safe.
 */
final class FailStop {

  private final Path directory;
  private final AtomicReference<EngineFailedException> failure = new AtomicReference<>();
  private final LongAdder backgroundErrors = new LongAdder();

  FailStop(Path directory) {
    this.directory = directory;
  }

  boolean failed() {
    return failure.get() != null;
  }

  /** The first failure, or null while the store runs. */
  EngineFailedException failure() {
    return failure.get();
  }

  /**
   * Stops the store with {@code e}, unless it stopped already.
   *
   * @return the failure that stopped the store (the first one)
   */
  EngineFailedException stop(EngineFailedException e) {
    failure.compareAndSet(null, e);
    return failure.get();
  }

  /**
   * Stops the store because of {@code cause}, unless it stopped already.
   *
   * @param what what failed, for the message
   * @return the failure that stopped the store (the first one)
   */
  EngineFailedException stop(String what, Throwable cause) {
    return stop(
        new EngineFailedException(
            directory + ": " + what + "; the store refuses writes until it is reopened", cause));
  }

  /** Counts an error of background work (whether or not it stopped the state). */
  void backgroundError() {
    backgroundErrors.increment();
  }

  long backgroundErrors() {
    return backgroundErrors.sum();
  }

  /**
   * Throws if the store has stopped.
   *
   * @throws EngineFailedException a new one, caused by the failure that stopped the store
   */
  void check() {
    EngineFailedException f = failure.get();
    if (f != null) {
      throw new EngineFailedException(f.getMessage(), f);
    }
  }
}
