package dev.cairn.spi;

/**
 * An argument, option or setting was invalid: null where a value is required, a size beyond {@link
 * Limits}, an unknown engine setting, a malformed range. Nothing was changed.
 */
public final class InvalidArgumentException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public InvalidArgumentException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
