package dev.cairn.spi;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Who asked for an operation and by when: a request id, an optional deadline and a sampling
 * decision, carried with the operation across the engine boundary and into the background work it
 * causes.
 *
 * <p>A caller binds a context for the extent of a call with {@link #call} or {@link #run} (a {@link
 * ScopedValue}: it is visible to every method called inside, on the calling thread and in the
 * structured subtasks it forks, and gone when the call returns). The runtime binds a generated one
 * around an operation whose caller bound none. An engine reads it with {@link #current()}, never
 * through a parameter; when a request causes work on an engine-owned thread (a flush or a merge its
 * write set off), the engine captures {@code current()} with the request and binds it there ({@link
 * #run}), so that events and errors of that work name the request.
 *
 * <p>A {@link StorageException} records the request id current where it was created, and a {@link
 * DeadlineExceededException} is what an operation whose deadline has passed throws before it
 * starts.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 1.2
 */
public final class RequestContext {

  /** The longest request id accepted, in characters. */
  public static final int MAX_ID_LENGTH = 128;

  private static final ScopedValue<RequestContext> CURRENT = ScopedValue.newInstance();
  private static final AtomicLong GENERATED = new AtomicLong();

  private final String requestId;
  private final Instant deadline; // null: none
  private final long deadlineNanos; // System.nanoTime() at the deadline, when there is one
  private final boolean sampled;

  private RequestContext(String requestId, Instant deadline, long deadlineNanos, boolean sampled) {
    this.requestId = requestId;
    this.deadline = deadline;
    this.deadlineNanos = deadlineNanos;
    this.sampled = sampled;
  }

  /**
   * A context for request {@code requestId}, without a deadline, not sampled.
   *
   * @throws InvalidArgumentException if the id is null, empty, longer than {@value #MAX_ID_LENGTH}
   *     characters or holds a control character
   */
  public static RequestContext of(String requestId) {
    return new RequestContext(checkId(requestId), null, 0, false);
  }

  /**
   * A context with a fresh id, {@code "cairn-"} and a number unique in this JVM: what the runtime
   * binds around an operation whose caller bound none.
   */
  public static RequestContext generated() {
    return new RequestContext(
        "cairn-" + Long.toHexString(GENERATED.incrementAndGet()), null, 0, false);
  }

  private static String checkId(String id) {
    if (id == null || id.isEmpty()) {
      throw new InvalidArgumentException("a request id must not be null or empty");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new InvalidArgumentException(
          "a request id must be at most "
              + MAX_ID_LENGTH
              + " characters, got "
              + id.length()
              + " starting '"
              + id.substring(0, 16)
              + "'");
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new InvalidArgumentException(
            "a request id must not hold control characters, got one at index " + i);
      }
    }
    return id;
  }

  /**
   * This context with a deadline {@code timeout} from now.
   *
   * @throws InvalidArgumentException if {@code timeout} is null or negative
   */
  public RequestContext withTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative()) {
      throw new InvalidArgumentException("a request timeout must be zero or more, got " + timeout);
    }
    long now = System.nanoTime();
    long nanos = saturatedNanos(timeout);
    Instant at;
    try {
      at = Instant.now().plus(timeout);
    } catch (ArithmeticException | DateTimeException e) {
      at = Instant.MAX;
    }
    return new RequestContext(requestId, at, saturatedAdd(now, nanos), sampled);
  }

  /**
   * This context with deadline {@code deadline} (wall-clock; converted to the monotonic clock now,
   * so a later change of the wall clock does not move it).
   *
   * @throws InvalidArgumentException if {@code deadline} is null
   */
  public RequestContext withDeadline(Instant deadline) {
    if (deadline == null) {
      throw new InvalidArgumentException("a request deadline must not be null");
    }
    long now = System.nanoTime();
    Duration left = Duration.between(Instant.now(), deadline);
    return new RequestContext(
        requestId, deadline, saturatedAdd(now, saturatedNanos(left)), sampled);
  }

  /** This context with sampling decision {@code sampled} (trace and record this request). */
  public RequestContext withSampled(boolean sampled) {
    return new RequestContext(requestId, deadline, deadlineNanos, sampled);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return r;
  }

  /** The request id. */
  public String requestId() {
    return requestId;
  }

  /** The deadline, if the request has one. */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** Whether the request is sampled: traced and recorded in detail. */
  public boolean sampled() {
    return sampled;
  }

  /** Whether the request has a deadline and it has passed. */
  public boolean expired() {
    return deadline != null && System.nanoTime() - deadlineNanos >= 0;
  }

  /** Time left before the deadline (negative once past), or empty without one. */
  public Optional<Duration> remaining() {
    return deadline == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(deadlineNanos - System.nanoTime()));
  }

  /**
   * Throws if the deadline has passed: called before an operation starts.
   *
   * @param operation names the operation, for the message ("put", "write")
   * @throws DeadlineExceededException naming the request, the operation and how late it is
   */
  public void checkDeadline(String operation) {
    if (expired()) {
      throw new DeadlineExceededException(
          operation
              + " not started: the deadline of request '"
              + requestId
              + "' passed "
              + Duration.ofNanos(System.nanoTime() - deadlineNanos).toMillis()
              + " ms ago ("
              + deadline
              + ")",
          requestId);
    }
  }

  /** The context bound for the running code, if any. */
  public static Optional<RequestContext> current() {
    return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
  }

  /** The context bound for the running code, or null when none is. For hot paths. */
  public static RequestContext currentOrNull() {
    return CURRENT.isBound() ? CURRENT.get() : null;
  }

  /**
   * Runs {@code op} with this context bound as {@link #current()}, and returns its result.
   *
   * @param <R> the result type
   * @param <X> what {@code op} may throw
   * @throws X what {@code op} throws
   */
  public <R, X extends Throwable> R call(ScopedValue.CallableOp<? extends R, X> op) throws X {
    return ScopedValue.where(CURRENT, this).call(op);
  }

  /** Runs {@code op} with this context bound as {@link #current()}. */
  public void run(Runnable op) {
    ScopedValue.where(CURRENT, this).run(op);
  }

  @Override
  public String toString() {
    return "RequestContext["
        + requestId
        + (deadline == null ? "" : ", deadline " + deadline)
        + (sampled ? ", sampled" : "")
        + "]";
  }
}
