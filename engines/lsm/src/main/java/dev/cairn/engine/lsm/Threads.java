package dev.cairn.engine.lsm;

import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Helpers for the engine's own threads. */
final class Threads {

  private Threads() {}

  /**
   * Waits until {@code thread} has ended, even if the caller is interrupted meanwhile: closing a
   * store must not leave its threads running. The caller's interrupt is given back afterwards.
   */
  static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Runs {@code work} on a new engine-owned thread and waits for it: work that forces files (an
   * open's recovery, a checkpoint) never runs on a caller's thread, whose interrupt would close the
   * channels it forces through (decision 0012). The work runs with the caller's request context
   * bound (a new thread does not inherit it), so that its events and exceptions name the request.
   * Storage exceptions and errors of the work are rethrown; the caller's interrupt is given back.
   */
  static <T> T onEngineThread(String name, Supplier<T> work) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    RequestContext cause = RequestContext.currentOrNull();
    Thread t =
        Thread.ofPlatform()
            .daemon()
            .name(name)
            .unstarted(
                () ->
                    Events.within(
                        cause,
                        () -> {
                          try {
                            result.set(work.get());
                          } catch (Throwable e) {
                            failure.set(e);
                          }
                        }));
    t.start();
    joinUninterruptibly(t);
    Throwable f = failure.get();
    if (f instanceof StorageException s) {
      s.addSuppressed(new Exception("rethrown on the caller's thread"));
      throw s;
    }
    if (f instanceof RuntimeException r) {
      throw r;
    }
    if (f instanceof Error e) {
      throw e;
    }
    return result.get();
  }
}
