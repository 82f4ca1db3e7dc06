package dev.cairn.engine.toolkit;

import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.Health;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether the store has stopped, and why: the one owner of the fail-stop state that the writer, the
 * fsync thread, the flush and compaction threads share.
 *
 * <p>The store stops for good (until reopened) after a failed write or fsync of the log, the
 * manifest or a table (the kernel may have dropped dirty pages: PostgreSQL's "fsyncgate"), and
 * after background work fails unexpectedly: an engine thread never dies silently. Once stopped,
 * every write and flush throws {@link EngineFailedException} with the first failure as its cause;
 * {@link #health()} says {@code FAILED} with the reason. The first failure wins: later ones are
 * consequences.
 *
 * <p>Shared by the engines that keep one fail-stop state (lsm, btree). Thread-safe.
 */
public final class FailStop {

  private static final int PROBLEMS_KEPT = 8;

  private final Path directory;
  private final AtomicReference<EngineFailedException> failure = new AtomicReference<>();
  private final LongAdder backgroundErrors = new LongAdder();
  private final ArrayDeque<String> problems = new ArrayDeque<>(); // guarded by itself

  public FailStop(Path directory) {
    this.directory = directory;
  }

  public boolean failed() {
    return failure.get() != null;
  }

  /** The first failure, or null while the store runs. */
  public EngineFailedException failure() {
    return failure.get();
  }

  /**
   * Stops the store with {@code e}, unless it stopped already.
   *
   * @return the failure that stopped the store (the first one)
   */
  public EngineFailedException stop(EngineFailedException e) {
    if (failure.compareAndSet(null, e)) {
      problem(e.getMessage());
    }
    return failure.get();
  }

  /**
   * Stops the store because of {@code cause}, unless it stopped already.
   *
   * @param what what failed, for the message
   * @return the failure that stopped the store (the first one)
   */
  public EngineFailedException stop(String what, Throwable cause) {
    return stop(
        new EngineFailedException(
            directory
                + ": "
                + what
                + (cause == null || cause.getMessage() == null
                    ? ""
                    : " (" + cause.getMessage() + ")")
                + "; the store refuses writes until it is reopened",
            cause));
  }

  /** Counts an error of background work and keeps its description for {@link #health()}. */
  public void backgroundError(String what) {
    backgroundErrors.increment();
    problem(what);
  }

  public long backgroundErrors() {
    return backgroundErrors.sum();
  }

  private void problem(String what) {
    synchronized (problems) {
      if (problems.size() == PROBLEMS_KEPT) {
        problems.removeFirst();
      }
      problems.addLast(what);
    }
  }

  /** The store's health: {@code FAILED} once stopped, else {@code OK}. */
  public Health health() {
    List<String> kept;
    synchronized (problems) {
      kept = List.copyOf(problems);
    }
    long errors = backgroundErrors.sum();
    if (failed()) {
      return new Health(Health.Status.FAILED, errors, kept);
    }
    return new Health(errors > 0 ? Health.Status.DEGRADED : Health.Status.OK, errors, kept);
  }

  /**
   * Throws if the store has stopped.
   *
   * @throws EngineFailedException a new one, caused by the failure that stopped the store
   */
  public void check() {
    EngineFailedException f = failure.get();
    if (f != null) {
      throw new EngineFailedException(f.getMessage(), f);
    }
  }
}
