package dev.cairn.engine.lsm;

import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;

/**
 * Reporting the engine's slow work ({@link EngineEvent}s) and running work for the request that
 * caused it.
 *
 * <p>Work a request sets off on an engine-owned thread (the force of its commit group, the flush of
 * the memtable its write filled, the compactions that flush made due) runs {@link #within} that
 * request's context, captured with the request: the events it reports and the exceptions it creates
 * name the request. See docs/engines/lsm.md, "Request context, deadlines and events".
 */
final class Events {

  private Events() {}

  /** Reports work of {@code kind} that started at {@code startNanos} and has just ended. */
  static void report(
      EngineEventListener listener,
      EngineEvent.Kind kind,
      long startNanos,
      long bytes,
      String detail) {
    listener.deliver(EngineEvent.of(kind, System.nanoTime() - startNanos, bytes, detail));
  }

  /** Runs {@code work} with {@code cause} bound as the current request (as it is, when null). */
  static void within(RequestContext cause, Runnable work) {
    if (cause == null || cause == RequestContext.currentOrNull()) {
      work.run();
    } else {
      cause.run(work);
    }
  }

  /**
   * Throws {@link dev.cairn.spi.DeadlineExceededException} if the current request's deadline has
   * passed: called before an operation starts, so that a late one does nothing.
   */
  static void checkDeadline(String operation) {
    RequestContext c = RequestContext.currentOrNull();
    if (c != null) {
      c.checkDeadline(operation);
    }
  }
}
