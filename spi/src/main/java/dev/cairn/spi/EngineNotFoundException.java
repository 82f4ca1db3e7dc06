package dev.cairn.spi;

/**
 * No engine of the requested name is installed, or a store's directory does not say which engine
 * wrote it. The message lists the engines that are installed.
 */
public final class EngineNotFoundException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public EngineNotFoundException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public EngineNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
