package dev.cairn.spi;

/**
 * An engine broke the contract: it threw an exception outside this hierarchy, or returned what the
 * contract forbids. Thrown by the runtime, which wraps the engine's exception as the cause and
 * counts the violation; a correct engine never causes one.
 */
public final class ContractViolationException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public ContractViolationException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public ContractViolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
