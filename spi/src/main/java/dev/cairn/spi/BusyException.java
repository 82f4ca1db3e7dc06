package dev.cairn.spi;

/**
 * The engine could not do the operation now and changed nothing: a write stall, a timeout, a lock
 * it waited for in vain. Retrying later may succeed. Distinct from {@link EngineFailedException}
 * (the engine fail-stopped and refuses writes until reopened): a busy engine is healthy.
 *
 * @since 1.1
 */
public final class BusyException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what the engine was busy with. */
  public BusyException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what the engine was busy with, and its cause. */
  public BusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
