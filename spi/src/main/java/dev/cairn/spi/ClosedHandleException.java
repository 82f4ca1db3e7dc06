package dev.cairn.spi;

/**
 * An operation on a store, cursor or snapshot that was already closed, or on a view that was
 * invalidated by its cursor moving or closing.
 */
public final class ClosedHandleException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public ClosedHandleException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public ClosedHandleException(String message, Throwable cause) {
    super(message, cause);
  }
}
