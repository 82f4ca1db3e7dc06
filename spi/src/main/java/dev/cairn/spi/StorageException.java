package dev.cairn.spi;

/**
 * The root of the only exceptions that cross the engine boundary.
 *
 * <p>Storage exceptions are unchecked: a storage failure is rarely recoverable at the call site,
 * and every method of the SPI may throw one. The hierarchy is sealed; each subclass names one kind
 * of failure a caller may want to handle differently. An engine throws only these; the runtime
 * converts anything else into a {@link ContractViolationException}.
 */
public abstract sealed class StorageException extends RuntimeException
    permits BusyException,
        ClosedHandleException,
        ConflictException,
        ContractViolationException,
        CorruptionException,
        EngineFailedException,
        EngineNotFoundException,
        IncompatibleVersionException,
        InvalidArgumentException,
        InvalidStateException,
        ReadOnlyStoreException,
        StorageIOException,
        StoreLockedException,
        UnsupportedCapabilityException {

  private static final long serialVersionUID = 1L;

  protected StorageException(String message) {
    super(message);
  }

  protected StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
