package dev.cairn.replication;

import java.time.Duration;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * Ratis's client retries a call until the deadline of the call the calling thread is making.
 *
 * <p>Design. Ratis's blocking client retries on the caller's thread, with the same call id, which
 * is what lets the leader's retry cache answer a retried write instead of applying it twice; a call
 * must therefore not be retried as a new call. Ratis's own policies count attempts, and an attempt
 * that fails at once (a refused connection to a node that is restarting) spends one as fast as one
 * that waited for its timeout, so a count gives up early while a node restarts. This policy
 * retries, sleeping {@link #SLEEP} between attempts, until the deadline {@link #call} set for the
 * thread; without one (a call Ratis makes on its own), it gives up after {@code fallbackAttempts}.
 * Thread-safe.
 */
final class DeadlineRetry implements RetryPolicy {

  static final TimeDuration SLEEP =
      TimeDuration.valueOf(100, java.util.concurrent.TimeUnit.MILLISECONDS);

  private final ThreadLocal<Long> deadline = new ThreadLocal<>();
  private final int fallbackAttempts;

  DeadlineRetry(int fallbackAttempts) {
    this.fallbackAttempts = fallbackAttempts;
  }

  /** A call made on the calling thread, retried until {@code timeout} from now. */
  interface Call<T> {
    T run() throws java.io.IOException;
  }

  <T> T call(Duration timeout, Call<T> call) throws java.io.IOException {
    deadline.set(System.nanoTime() + timeout.toNanos());
    try {
      return call.run();
    } finally {
      deadline.remove();
    }
  }

  @Override
  public Action handleAttemptFailure(Event event) {
    Long end = deadline.get();
    boolean retry =
        end == null
            ? event.getAttemptCount() < fallbackAttempts
            : System.nanoTime() + SLEEP.toLong(java.util.concurrent.TimeUnit.NANOSECONDS) < end;
    return retry ? () -> SLEEP : NO_RETRY_ACTION;
  }

  @Override
  public String toString() {
    return "DeadlineRetry(sleep=" + SLEEP + ", fallbackAttempts=" + fallbackAttempts + ")";
  }
}
