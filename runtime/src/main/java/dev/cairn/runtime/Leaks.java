package dev.cairn.runtime;

import java.lang.ref.Cleaner;

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
 * <p>Thread-safe; reports arrive on the cleaner's thread.
 */
final class Leaks {

  /** One daemon thread for the whole runtime. */
  static final Cleaner CLEANER = Cleaner.create();

  private static final System.Logger LOG = System.getLogger("dev.cairn.runtime");

  private final String engine;
  private final LeakListener listener;
  private final Meters meters;

  Leaks(String engine, LeakListener listener, Meters meters) {
    this.engine = engine;
    this.listener = listener;
    this.meters = meters;
  }

  /** The default listener: a {@code WARNING} with the stack of where the handle was opened. */
  static LeakListener logging() {
    return r ->
        LOG.log(
            System.Logger.Level.WARNING,
            () ->
                "engine '"
                    + r.engine()
                    + "': a "
                    + r.kind()
                    + " became unreachable without being closed; the runtime closed it. It was"
                    + " opened at:",
            r.openedAt());
  }

  void report(String kind, Throwable openedAt) {
    meters.leak(kind);
    try {
      listener.leaked(new LeakReport(engine, kind, openedAt));
    } catch (Throwable t) {
      ProviderCheck.rethrowFatal(t);
      LOG.log(System.Logger.Level.WARNING, "leak listener " + listener + " failed", t);
    }
  }

  static void logQuietly(String what, Throwable t) {
    LOG.log(System.Logger.Level.WARNING, what, t);
  }
}
