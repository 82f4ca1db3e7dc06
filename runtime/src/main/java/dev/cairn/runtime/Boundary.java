package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.nio.file.Path;

/**
 * What every wrapper of one open store shares: the engine's description, how the store was opened,
 * its meters, error conversion and leak reporting.
 *
 * <p>Immutable and thread-safe.
 *
 * @param info the engine's description, as registered
 * @param directory the store's directory, or null for a store without one
 * @param readOnly whether the store was opened read-only
 * @param tracer traces each operation ({@link OperationTracer#NONE} unless tracing is on)
 */
record Boundary(
    EngineInfo info,
    Path directory,
    boolean readOnly,
    Meters meters,
    ErrorConversion errors,
    Leaks leaks,
    OperationTracer tracer) {

  String engine() {
    return info.name();
  }

  /** "store of engine 'lsm' at /data", for messages. */
  String store() {
    return "store of engine '"
        + info.name()
        + "'"
        + (directory == null ? "" : " at " + directory)
        + (readOnly ? " (read-only)" : "");
  }

  void succeeded(Op op, long startNanos) {
    meters.succeeded(op, startNanos);
    if (tracer != OperationTracer.NONE && traced(op)) {
      tracer.traced(info.name(), op, startNanos, null);
    }
  }

  /**
   * Times (and traces) the failed operation and returns the exception to throw; see {@link
   * ErrorConversion}.
   */
  RuntimeException failed(Op op, long startNanos, Throwable t) {
    meters.failed(op, startNanos);
    RuntimeException e = errors.convert(op, t);
    if (tracer != OperationTracer.NONE && traced(op)) {
      tracer.traced(info.name(), op, startNanos, e);
    }
    return e;
  }

  /** A cursor's steps and seeks get no span of their own: the cursor's opening has one. */
  private static boolean traced(Op op) {
    return op != Op.CURSOR_NEXT && op != Op.CURSOR_SEEK;
  }

  /**
   * @throws UnsupportedCapabilityException if the engine does not declare {@code capability}
   */
  void require(Capability capability, String operation) {
    if (!info.has(capability)) {
      throw new UnsupportedCapabilityException(
          "engine '"
              + info.name()
              + "' does not declare "
              + capability
              + ", needed for "
              + operation);
    }
  }

  /**
   * Refuses to start {@code operation} if the current request's deadline has passed.
   *
   * @throws dev.cairn.spi.DeadlineExceededException naming the request and the operation
   */
  static void checkDeadline(String operation) {
    RequestContext c = RequestContext.currentOrNull();
    if (c != null) {
      c.checkDeadline(operation);
    }
  }

  /**
   * @throws InvalidArgumentException naming {@code what} if {@code value} is null
   */
  static <T> T nonNull(T value, String what) {
    if (value == null) {
      throw new InvalidArgumentException(what + " is null");
    }
    return value;
  }
}
