package dev.cairn.spi;

import java.util.Optional;

/**
 * The root of the only exceptions that cross the engine boundary.
 *
 * <p>Storage exceptions are unchecked: a storage failure is rarely recoverable at the call site,
 * and every method of the SPI may throw one. The hierarchy is sealed; each subclass names one kind
 * of failure a caller may want to handle differently. An engine throws only these; the runtime
 * converts anything else into a {@link ContractViolationException}.
 *
 * <p>Each records the id of the request ({@link RequestContext}) current on the thread that created
 * it, if any: an exception an engine throws while serving a request names it ({@link #requestId()},
 * and in {@link #toString()}, which stack traces print).
 */
public abstract sealed class StorageException extends RuntimeException
    permits BusyException,
        ClosedHandleException,
        ConflictException,
        ContractViolationException,
        CorruptionException,
        DeadlineExceededException,
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

  /** The request current where the exception was created; null when none was. */
  private final String requestId;

  protected StorageException(String message) {
    super(message);
    this.requestId = currentRequestId();
  }

  protected StorageException(String message, Throwable cause) {
    super(message, cause);
    this.requestId = currentRequestId();
  }

  /** An exception of request {@code requestId}, whatever is current. */
  StorageException(String message, String requestId) {
    super(message);
    this.requestId = requestId;
  }

  private static String currentRequestId() {
    RequestContext c = RequestContext.currentOrNull();
    return c == null ? null : c.requestId();
  }

  /**
   * The id of the request that was current where this exception was created, if any.
   *
   * @since 1.2
   */
  public final Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * The class, the message and, when there is one, {@code [request <id>]}.
   *
   * @since 1.2
   */
  @Override
  public String toString() {
    String s = super.toString();
    return requestId == null ? s : s + " [request " + requestId + "]";
  }
}
