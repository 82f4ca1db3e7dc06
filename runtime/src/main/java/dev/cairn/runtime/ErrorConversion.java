package dev.cairn.runtime;

import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.StorageException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns whatever crossed the boundary into what the contract allows callers to see.
 *
 * <p>An SPI exception ({@link StorageException}) passes unchanged. Anything else an engine throws
 * (a {@link RuntimeException}, an {@link Error}, a checked exception thrown sneakily) breaks the
 * contract: it becomes a {@link ContractViolationException} naming the engine, the operation and
 * the original, which is kept as the cause, and is counted in {@code cairn.contract.violations}. A
 * {@link VirtualMachineError} (out of memory, stack overflow) is not the engine's fault and is
 * rethrown as it is. Every exception that reaches a caller is counted in {@code cairn.errors}.
 *
 * <p>It also remembers the first {@link EngineFailedException} it saw: the engine fail-stopped, and
 * the store's {@linkplain BoundaryEngine#health() health} says so whatever the engine reports. The
 * store's invariant counters see the same: each {@link CorruptionException} is counted in {@code
 * cairn.store.checksum.failures}, and the store's first fail-stop (that exception, or a health of
 * {@code FAILED}) in {@code cairn.store.fail.stops}.
 *
 * <p>Thread-safe.
 */
final class ErrorConversion {

  private final String engine;
  private final Meters meters;

  /** The first fail-stop the engine reported, or null. */
  private volatile EngineFailedException failStop;

  /** Whether the fail-stop was counted. */
  private final AtomicBoolean failStopCounted = new AtomicBoolean();

  ErrorConversion(String engine, Meters meters) {
    this.engine = engine;
    this.meters = meters;
  }

  /**
   * The exception to throw for {@code t}, counted.
   *
   * @throws VirtualMachineError if {@code t} is one
   */
  StorageException convert(Op op, Throwable t) {
    if (t instanceof VirtualMachineError e) {
      throw e;
    }
    StorageException e;
    if (t instanceof StorageException s) {
      e = s;
      if (s instanceof EngineFailedException f) {
        if (failStop == null) {
          failStop = f;
        }
        failed();
      } else if (s instanceof CorruptionException) {
        meters.checksumFailure();
      }
    } else {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // NB: keep the interrupt the engine swallowed
      }
      e =
          violation(
              op, "threw " + t.getClass().getName() + " from " + op + ": " + t.getMessage(), t);
    }
    meters.error(op, e);
    return e;
  }

  /** The store fail-stopped (an exception said so, or its health): counted once per store. */
  void failed() {
    if (failStopCounted.compareAndSet(false, true)) {
      meters.failStop();
    }
  }

  /** The first {@link EngineFailedException} that crossed the boundary, or null if none did. */
  EngineFailedException failStop() {
    return failStop;
  }

  /** A violation the boundary detected itself (a bad return value), counted. */
  ContractViolationException violation(Op op, String what) {
    return violation(op, what, null);
  }

  private ContractViolationException violation(Op op, String what, Throwable cause) {
    meters.violation(op);
    return new ContractViolationException("engine '" + engine + "' " + what, cause);
  }
}
