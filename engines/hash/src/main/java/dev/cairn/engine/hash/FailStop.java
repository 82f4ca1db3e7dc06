package dev.cairn.engine.hash;

import dev.cairn.spi.EngineFailedException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
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
 * {@code background.errors}) and so does {@link dev.cairn.spi.StorageEngine#health()}, with the
 * last few background errors. The first failure wins: later ones are consequences.
 *
 * <p>Thread-safe.
 */
final class FailStop {

  private final Path directory;
  private final AtomicReference<EngineFailedException> failure = new AtomicReference<>();
  private final LongAdder backgroundErrors = new LongAdder();

  /** How many background errors {@link #recentBackgroundErrors()} keeps. */
  static final int RECENT_ERRORS = 4;

  private final ArrayDeque<String> recentErrors = new ArrayDeque<>(RECENT_ERRORS); // guarded by it

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

  /**
   * Counts an error of background work (whether or not it stopped the store) and keeps a line about
   * it among the last {@value #RECENT_ERRORS}, for {@link dev.cairn.spi.StorageEngine#health()}.
   *
   * @param what what the background work was doing
   * @param cause what went wrong, or null when {@code what} says it all
   */
  void backgroundError(String what, Throwable cause) {
    backgroundErrors.increment();
    String line = Instant.now() + ": " + what + (cause == null ? "" : ": " + cause);
    synchronized (recentErrors) {
      if (recentErrors.size() == RECENT_ERRORS) {
        recentErrors.removeFirst();
      }
      recentErrors.addLast(line);
    }
  }

  /** The last few background errors, oldest first, one line each. */
  List<String> recentBackgroundErrors() {
    synchronized (recentErrors) {
      return List.copyOf(recentErrors);
    }
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
