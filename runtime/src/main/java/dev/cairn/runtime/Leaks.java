package dev.cairn.runtime;

import java.lang.ref.Cleaner;
import java.util.Optional;

/**
 * Where leaked cursors and snapshots of one store are reported: the store's {@link LeakListener}
 * and the {@code cairn.leaks} counter.
 *
 * <p>Design: every cursor and snapshot wrapper registers with one {@link Cleaner} shared by the
 * runtime. The cleaning action is the wrapper's {@link TrackedHandle}, which holds the engine's
 * resource and the stack of where it was opened but never the wrapper itself (otherwise the wrapper
 * could not become unreachable). When a wrapper is closed, its handle is marked closed and the
 * action does nothing; when it becomes unreachable first, the action closes the engine's resource
 * and reports the leak. This is what RocksDB's Java binding lacks: a forgotten handle there leaks
 * native memory silently.
 *
 * <p>The stack of where a handle was opened is what makes a leak fixable, and it is the dearest
 * part of opening one: a store opened with {@link StoreBuilder#openingStacks(boolean)
 * openingStacks(false)} skips it, and its reports carry {@link #NOT_CAPTURED} instead. The
 * Cleaner's registration stays, so leaks are still found and closed.
 *
 * <p>Thread-safe; reports arrive on the cleaner's thread.
 */
final class Leaks {

  /** One daemon thread for the whole runtime. */
  static final Cleaner CLEANER = Cleaner.create();

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime");

  /**
   * What a report says about where a handle was opened when the store does not record it: one
   * immutable throwable (no stack trace, no suppression, no cause) shared by every such report.
   */
  static final Throwable NOT_CAPTURED = new StackNotCaptured();

  private static final class StackNotCaptured extends Throwable {
    private static final long serialVersionUID = 1L;

    StackNotCaptured() {
      super(
          "the opening stack was not captured; open the store with"
              + " StoreBuilder.openingStacks(true) to see where each cursor and snapshot is opened",
          null,
          false,
          false);
    }
  }

  private final String engine;
  private final LeakListener listener;
  private final Meters meters;
  private final boolean openingStacks;
  private final String cursorOpened;
  private final String snapshotOpened;

  Leaks(String engine, LeakListener listener, Meters meters, boolean openingStacks) {
    this.engine = engine;
    this.listener = listener;
    this.meters = meters;
    this.openingStacks = openingStacks;
    this.cursorOpened = TrackedHandle.CURSOR + " of engine '" + engine + "' opened here";
    this.snapshotOpened = TrackedHandle.SNAPSHOT + " of engine '" + engine + "' opened here";
  }

  /**
   * Where a handle of {@code kind} is being opened: a new throwable whose stack trace is the
   * caller's, or {@link #NOT_CAPTURED} if the store does not record opening stacks.
   */
  Throwable openedHere(String kind) {
    if (!openingStacks) {
      return NOT_CAPTURED;
    }
    return new Throwable(kind.equals(TrackedHandle.CURSOR) ? cursorOpened : snapshotOpened);
  }

  /** The default listener: a {@code WARNING} with the stack of where the handle was opened. */
  static LeakListener logging() {
    return r -> LOG.log(System.Logger.Level.WARNING, () -> message(r), r.openedAt());
  }

  /** The default listener's message; the opening stack follows it when the store recorded one. */
  static String message(LeakReport r) {
    return "engine '"
        + r.engine()
        + "': a "
        + r.kind()
        + " became unreachable without being closed; the runtime closed it."
        + r.requestId().map(id -> " It was opened by request '" + id + "'.").orElse("")
        + (r.openedAt() == NOT_CAPTURED ? "" : " It was opened at:");
  }

  void report(String kind, Throwable openedAt, String requestId) {
    meters.leak(kind);
    try {
      listener.leaked(new LeakReport(engine, kind, openedAt, Optional.ofNullable(requestId)));
    } catch (Throwable t) {
      ProviderCheck.rethrowFatal(t);
      LOG.log(System.Logger.Level.WARNING, "leak listener " + listener + " failed", t);
    }
  }

  static void logQuietly(String what, Throwable t) {
    LOG.log(System.Logger.Level.WARNING, what, t);
  }
}
