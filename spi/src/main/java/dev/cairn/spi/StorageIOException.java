package dev.cairn.spi;

/**
 * The file system reported an error (disk full, permission denied, I/O error). The message names
 * the file and the operation; the cause is the {@link java.io.IOException}. A write that fails this
 * way was not acknowledged: it may or may not survive, and a later reopen decides which.
 */
public final class StorageIOException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public StorageIOException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public StorageIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
