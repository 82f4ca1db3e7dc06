package dev.cairn.spi;

/** A write to a store opened read-only. */
public final class ReadOnlyStoreException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public ReadOnlyStoreException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public ReadOnlyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
