package dev.cairn.engine.hash;

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
}
