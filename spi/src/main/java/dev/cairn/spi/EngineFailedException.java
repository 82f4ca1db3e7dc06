package dev.cairn.spi;

/**
 * The engine stopped itself after a failure it cannot recover from while open, most often a failed
 * fsync (the operating system may have dropped the dirty pages, so retrying could report success
 * over lost data). Every later write fails with this exception until the store is closed and
 * reopened; reopening runs recovery from what is durably on disk.
 */
public final class EngineFailedException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public EngineFailedException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public EngineFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
