package dev.cairn.engine.rocksdb;

import dev.cairn.spi.ClosedHandleException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Keeps a native object alive while calls use it: every call {@link #enter() enters} and {@link
 * #exit() exits}; {@link #close()} refuses new calls and waits for those in flight to leave, so the
 * caller may then free the native object.
 *
 * <p>Thread-safe. Why not a read-write lock: entering must not contend between the many threads
 * that read and write at once, and a {@link LongAdder} spreads the count over cells. Correctness
 * rests on the order of two volatile accesses on each side (Dekker): a call increments, then reads
 * {@code closed}; close writes {@code closed}, then sums. Either the call sees the flag and backs
 * out, or close sees the call and waits for it.
 */
final class OpenGuard {

  private final LongAdder inFlight = new LongAdder();
  private final Supplier<? extends RuntimeException> refusal;
  private volatile boolean closed;

  /** A guard whose closed object refuses calls with {@link ClosedHandleException}. */
  OpenGuard(String what) {
    this(() -> new ClosedHandleException(what + " is closed"));
  }

  /** A guard whose closed object refuses calls with what {@code refusal} makes. */
  OpenGuard(Supplier<? extends RuntimeException> refusal) {
    this.refusal = refusal;
  }

  /**
   * Registers a call in flight.
   *
   * @throws RuntimeException the guard's refusal ({@link ClosedHandleException} unless given
   *     another) if the guarded object is closed
   */
  void enter() {
    inFlight.increment();
    if (closed) {
      inFlight.decrement();
      throw refusal.get();
    }
  }

  /** Ends a call registered by {@link #enter()}. */
  void exit() {
    inFlight.decrement();
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * Refuses new calls and waits until none is in flight.
   *
   * @return true for the first close, false when already closed
   */
  boolean close() {
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
    }
    while (inFlight.sum() != 0) {
      LockSupport.parkNanos(10_000);
    }
    return true;
  }
}
