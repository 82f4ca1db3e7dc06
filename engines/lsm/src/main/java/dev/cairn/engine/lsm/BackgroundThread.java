package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.spi.RequestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * An engine-owned thread that does one kind of background work (flushes, compactions) whenever it
 * is woken, until the store closes.
 *
 * <p>The work is a step that returns whether more may be due; the thread runs steps until none is,
 * then sleeps until woken (or a second passes, to look again). A step that throws fail-stops the
 * store ({@link FailStop}): background work never dies silently, and a store whose flush or
 * compaction failed refuses writes until reopened, with the reason in {@code health()}.
 *
 * <p>Each step runs with the request context of the work's cause bound (what {@code cause} gives
 * just before the step; none when it gives null), the failure of a step included: its events and
 * exceptions name the request that set the work off.
 *
 * <p>Thread-safe.
 */
final class BackgroundThread {

  private static final System.Logger LOG = System.getLogger(BackgroundThread.class.getName());

  private final String what;
  private final FailStop failStop;
  private final BooleanSupplier step;
  private final Supplier<RequestContext> cause;
  private final Thread thread;
  private final Object lock = new Object();
  private volatile boolean stopping;
  private volatile boolean paused;
  private boolean woken; // guarded by lock
  private boolean busy; // guarded by lock

  /**
   * @param what what the thread does, for messages ("flush")
   * @param step one unit of work; returns whether more may be due
   * @param cause the request context that caused the next step's work, or null
   */
  BackgroundThread(
      String name,
      String what,
      FailStop failStop,
      BooleanSupplier step,
      Supplier<RequestContext> cause) {
    this.what = what;
    this.failStop = failStop;
    this.step = step;
    this.cause = cause;
    this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Asks the thread to look for work. */
  void wake() {
    synchronized (lock) {
      woken = true;
      lock.notifyAll();
    }
  }

  /**
   * Waits until the thread has no work left (it found none after the last wake), at most {@code
   * timeoutNanos}; for tests and checkpoints.
   *
   * @return whether it went idle in time
   */
  boolean awaitIdle(long timeoutNanos) {
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (lock) {
      while ((woken || busy) && !stopping && !failStop.failed()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return true;
  }

  private void run() {
    while (!stopping) {
      synchronized (lock) {
        while (!woken && !stopping) {
          try {
            lock.wait(1000);
          } catch (InterruptedException e) {
            // nobody interrupts engine threads; look again
          }
          if (!woken) {
            woken = true; // a periodic look
          }
        }
        woken = false;
        busy = true;
      }
      boolean more = false;
      try {
        if (!stopping && !paused && !failStop.failed()) {
          RequestContext c = cause.get();
          more = c == null ? runStep() : c.call(this::runStep);
        }
      } finally {
        synchronized (lock) {
          busy = false;
          if (more) {
            woken = true;
          }
          lock.notifyAll();
        }
      }
    }
  }

  /** Runs one step; a step that throws fail-stops the store. */
  private boolean runStep() {
    try {
      return step.getAsBoolean();
    } catch (Throwable t) {
      failStop.backgroundError(what + " failed: " + t);
      failStop.stop(what + " failed", t);
      LOG.log(System.Logger.Level.WARNING, what + " failed; the store stops", t);
      return false;
    }
  }

  /** Holds the thread's work back (while {@code paused}) or lets it go on; for tests. */
  void pause(boolean paused) {
    this.paused = paused;
    wake();
  }

  /** Stops the thread after its current step and waits for it. Idempotent. */
  void close() {
    stopping = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    LockSupport.unpark(thread);
    if (thread.isAlive()) {
      Threads.joinUninterruptibly(thread);
    }
  }

  boolean stopping() {
    return stopping;
  }
}
