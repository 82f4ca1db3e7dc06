package dev.cairn.replication;

/**
 * A replicated call that did not complete: no leader could be reached in time, the cluster refused
 * the request, or a node failed while it ran.
 *
 * <p>{@link #outcomeUnknown()} says whether a write may still have been applied: a write whose
 * request reached the cluster but whose reply did not come back may have been committed, and may be
 * applied later, exactly once. A caller that must know reads the key back (a linearizable read) or
 * makes its writes conditional. A read that fails changed nothing.
 */
public final class ReplicationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean outcomeUnknown;

  /**
   * @param message what failed, and on which call
   * @param outcomeUnknown whether a write may have been applied
   * @param cause what Ratis reported, or null
   */
  public ReplicationException(String message, boolean outcomeUnknown, Throwable cause) {
    super(message, cause);
    this.outcomeUnknown = outcomeUnknown;
  }

  /** Whether the write may have been applied, or may still be. False for reads. */
  public boolean outcomeUnknown() {
    return outcomeUnknown;
  }
}
