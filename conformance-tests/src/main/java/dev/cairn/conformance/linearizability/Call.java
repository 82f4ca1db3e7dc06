package dev.cairn.conformance.linearizability;

/**
 * One completed call on one key of a register-per-key store, as a client saw it: what it asked,
 * what it got, and when it began and returned.
 *
 * <p>Values are small integers the test assigns (unique per write), with {@link #ABSENT} for a
 * missing key, so histories are cheap to compare.
 *
 * @param client the calling thread's number
 * @param kind what was called
 * @param key the key's number
 * @param value the value written (put), or read (get); {@link #ABSENT} for a delete or a miss
 * @param invokedNanos {@link System#nanoTime()} just before the call
 * @param returnedNanos {@link System#nanoTime()} just after it returned
 */
public record Call(
    int client, Kind kind, int key, int value, long invokedNanos, long returnedNanos) {

  /** The value of an absent key. */
  public static final int ABSENT = -1;

  /** The operations of the register model. */
  public enum Kind {
    GET,
    PUT,
    DELETE
  }

  @Override
  public String toString() {
    String v = value == ABSENT ? "absent" : Integer.toString(value);
    return "client "
        + client
        + " "
        + kind
        + "(k"
        + key
        + ")"
        + (kind == Kind.DELETE ? "" : " " + v)
        + " ["
        + invokedNanos
        + ", "
        + returnedNanos
        + "]";
  }
}
