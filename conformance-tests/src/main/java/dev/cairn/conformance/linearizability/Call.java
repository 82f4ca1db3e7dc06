package dev.cairn.conformance.linearizability;

/**
 * One completed call on one key of a register-per-key store, as a client saw it: what it asked,
 * what it got, and when it began and returned.
 *
 * <p>Values are small integers the test assigns (unique per write), with {@link #ABSENT} for a
 * missing key, so histories are cheap to compare. The conditional calls ({@link
 * Kind#PUT_IF_ABSENT}, {@link Kind#REPLACE}, {@link Kind#DELETE_IF_EQUALS}) record whether they
 * applied, and the two that compare, the value they expected.
 *
 * @param client the calling thread's number
 * @param kind what was called
 * @param key the key's number
 * @param value the value written (put, putIfAbsent, replace), or read (get); {@link #ABSENT} for a
 *     delete, a deleteIfEquals or a miss
 * @param expected the value a replace or deleteIfEquals required; {@link #ABSENT} otherwise
 * @param applied whether a conditional call applied (returned true); true for the others
 * @param invokedNanos {@link System#nanoTime()} just before the call
 * @param returnedNanos {@link System#nanoTime()} just after it returned
 */
public record Call(
    int client,
    Kind kind,
    int key,
    int value,
    int expected,
    boolean applied,
    long invokedNanos,
    long returnedNanos) {

  /** The value of an absent key. */
  public static final int ABSENT = -1;

  /** The operations of the register model. */
  public enum Kind {
    GET,
    PUT,
    DELETE,
    /** Writes {@code value} if the key is absent. */
    PUT_IF_ABSENT,
    /** Writes {@code value} if the key holds {@code expected}. */
    REPLACE,
    /** Deletes the key if it holds {@code expected}. */
    DELETE_IF_EQUALS
  }

  /** An unconditional call: a get, put or delete. */
  public Call(int client, Kind kind, int key, int value, long invokedNanos, long returnedNanos) {
    this(client, kind, key, value, ABSENT, true, invokedNanos, returnedNanos);
  }

  /** A {@code putIfAbsent(key, value)} that returned {@code applied}. */
  public static Call putIfAbsent(
      int client, int key, int value, boolean applied, long invoked, long returned) {
    return new Call(client, Kind.PUT_IF_ABSENT, key, value, ABSENT, applied, invoked, returned);
  }

  /** A {@code replace(key, expected, value)} that returned {@code applied}. */
  public static Call replace(
      int client, int key, int expected, int value, boolean applied, long invoked, long returned) {
    return new Call(client, Kind.REPLACE, key, value, expected, applied, invoked, returned);
  }

  /** A {@code deleteIfEquals(key, expected)} that returned {@code applied}. */
  public static Call deleteIfEquals(
      int client, int key, int expected, boolean applied, long invoked, long returned) {
    return new Call(
        client, Kind.DELETE_IF_EQUALS, key, ABSENT, expected, applied, invoked, returned);
  }

  /**
   * A conditional call in one form: a {@code deleteIfEquals} when {@code delete}, otherwise a
   * {@code putIfAbsent} when {@code expected} is {@link #ABSENT} and a {@code replace} when not.
   */
  public static Call conditional(
      int client,
      int key,
      int expected,
      int value,
      boolean delete,
      boolean applied,
      long invoked,
      long returned) {
    if (delete) {
      return deleteIfEquals(client, key, expected, applied, invoked, returned);
    }
    return expected == ABSENT
        ? putIfAbsent(client, key, value, applied, invoked, returned)
        : replace(client, key, expected, value, applied, invoked, returned);
  }

  /** The same call with its times shifted back by {@code origin}, for messages. */
  Call relativeTo(long origin) {
    return new Call(
        client, kind, key, value, expected, applied, invokedNanos - origin, returnedNanos - origin);
  }

  @Override
  public String toString() {
    String what =
        switch (kind) {
          case GET, PUT -> " " + show(value);
          case DELETE -> "";
          case PUT_IF_ABSENT -> " " + show(value) + " -> " + applied;
          case REPLACE -> " " + show(expected) + " => " + show(value) + " -> " + applied;
          case DELETE_IF_EQUALS -> " " + show(expected) + " -> " + applied;
        };
    return "client "
        + client
        + " "
        + kind
        + "(k"
        + key
        + ")"
        + what
        + " ["
        + invokedNanos
        + ", "
        + returnedNanos
        + "]";
  }

  private static String show(int v) {
    return v == ABSENT ? "absent" : Integer.toString(v);
  }
}
