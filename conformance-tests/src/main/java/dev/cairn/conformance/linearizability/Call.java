package dev.cairn.conformance.linearizability;

/**
 * One completed call on one key of a register-per-key store, as a client saw it: what it asked,
 * what it got, and when it began and returned.
 *
 * <p>Values are small integers the test assigns (unique per write), with {@link #ABSENT} for a
 * missing key, so histories are cheap to compare.
 *
 * <p>Conditional writes (compare-and-set on the register) are calls too: a {@link
 * Kind#CONDITIONAL_PUT} or {@link Kind#CONDITIONAL_DELETE} that was applied, and a {@link
 * Kind#CONFLICT} for one that was refused; each names the value it required in {@code expected}
 * ({@link #ABSENT} for "the key is absent", as {@code putIfAbsent} requires).
 *
 * @param client the calling thread's number
 * @param kind what was called
 * @param key the key's number
 * @param value the value written (put), or read (get); {@link #ABSENT} for a delete or a miss
 * @param invokedNanos {@link System#nanoTime()} just before the call
 * @param returnedNanos {@link System#nanoTime()} just after it returned
 * @param expected the value a conditional write required; {@link #ABSENT} for other calls
 */
public record Call(
    int client,
    Kind kind,
    int key,
    int value,
    long invokedNanos,
    long returnedNanos,
    int expected) {

  /** The value of an absent key. */
  public static final int ABSENT = -1;

  /** The operations of the register model. */
  public enum Kind {
    GET,
    PUT,
    DELETE,
    /** A put applied because the register held {@code expected}. */
    CONDITIONAL_PUT,
    /** A delete applied because the register held {@code expected}. */
    CONDITIONAL_DELETE,
    /**
     * A conditional write refused, changing nothing, because the register did not hold {@code
     * expected}.
     */
    CONFLICT
  }

  /** A get, put or delete. */
  public Call(int client, Kind kind, int key, int value, long invokedNanos, long returnedNanos) {
    this(client, kind, key, value, invokedNanos, returnedNanos, ABSENT);
  }

  /**
   * A conditional write: {@code putIfAbsent} is a conditional put expecting {@link #ABSENT}, {@code
   * replace} one expecting the old value, {@code deleteIfEquals} a conditional delete.
   *
   * @param applied whether the write was applied (otherwise it is a {@link Kind#CONFLICT})
   * @param delete whether it deletes (otherwise it puts {@code value})
   */
  public static Call conditional(
      int client,
      int key,
      int expected,
      int value,
      boolean delete,
      boolean applied,
      long invokedNanos,
      long returnedNanos) {
    Kind kind = !applied ? Kind.CONFLICT : delete ? Kind.CONDITIONAL_DELETE : Kind.CONDITIONAL_PUT;
    int written = delete || !applied ? ABSENT : value;
    return new Call(client, kind, key, written, invokedNanos, returnedNanos, expected);
  }

  @Override
  public String toString() {
    String v = value == ABSENT ? "absent" : Integer.toString(value);
    String e = expected == ABSENT ? "absent" : Integer.toString(expected);
    return "client "
        + client
        + " "
        + kind
        + "(k"
        + key
        + switch (kind) {
          case GET, PUT -> ") " + v;
          case DELETE -> ")";
          case CONDITIONAL_PUT -> " if " + e + ") " + v;
          case CONDITIONAL_DELETE, CONFLICT -> " if " + e + ")";
        }
        + " ["
        + invokedNanos
        + ", "
        + returnedNanos
        + "]";
  }
}
