package dev.cairn.engine.rocksdb;

import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the store fail-stopped, and why: the one owner of that state, which the engine's calls
 * and RocksDB's background threads (through {@link BackgroundErrors}) both report to.
 *
 * <p>Thread-safe. The first failure recorded is the one kept: it is the cause, and what follows it
 * is usually a consequence.
 */
final class FailStop {

  private final Path directory;
  private final AtomicReference<StorageException> cause = new AtomicReference<>();

  FailStop(Path directory) {
    this.directory = directory;
  }

  /** Records {@code failure} as the reason the store stopped, unless one is already recorded. */
  void fail(StorageException failure) {
    cause.compareAndSet(null, failure);
  }

  boolean failed() {
    return cause.get() != null;
  }

  /** The first failure recorded, or null while the store has not stopped. */
  StorageException cause() {
    return cause.get();
  }

  /**
   * Returns normally while the store has not fail-stopped.
   *
   * @throws EngineFailedException naming the directory and carrying the first failure as its cause
   */
  void check() {
    StorageException c = cause.get();
    if (c != null) {
      throw stopped(c);
    }
  }

  /** The exception every write and flush throws once the store has stopped. */
  private EngineFailedException stopped(StorageException c) {
    return new EngineFailedException(
        "store "
            + directory
            + " fail-stopped and refuses writes and flushes until it is reopened: "
            + c.getMessage(),
        c);
  }
}
