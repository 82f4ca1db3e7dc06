package dev.cairn.spi;

/** The operation needs a {@link Capability} the engine does not declare. The message names it. */
public final class UnsupportedCapabilityException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public UnsupportedCapabilityException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public UnsupportedCapabilityException(String message, Throwable cause) {
    super(message, cause);
  }
}
