package dev.cairn.spi;

/**
 * The store is open elsewhere, by this process or another: engines hold an exclusive lock on their
 * directory while open. The message names the directory.
 */
public final class StoreLockedException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public StoreLockedException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public StoreLockedException(String message, Throwable cause) {
    super(message, cause);
  }
}
