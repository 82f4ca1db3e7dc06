package dev.cairn.spi;

/**
 * The handle is not in a state that allows the operation: reading the entry of a cursor that is not
 * positioned on one, for example. Nothing was changed.
 */
public final class InvalidStateException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public InvalidStateException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public InvalidStateException(String message, Throwable cause) {
    super(message, cause);
  }
}
