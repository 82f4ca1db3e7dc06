package dev.cairn.spi;

/**
 * The validity of the {@link ByteView}s a cursor lends: a generation counter that the cursor
 * advances whenever its current entry changes (it moves, seeks or closes).
 *
 * <p>A view remembers the generation it was created in and checks it on every access, so a view
 * used after its cursor moved fails with {@link ClosedHandleException} instead of showing another
 * entry's bytes or freed memory. Engines whose views point into off-heap memory also close the
 * memory's arena, which the Java runtime checks independently.
 *
 * <p>Thread safety: a guard belongs to one cursor, used by one thread at a time, but the cursor may
 * be closed from another thread (when its store or snapshot closes), so the state is volatile and a
 * view on the cursor's thread sees that close.
 */
public final class ViewGuard {

  private volatile long generation;
  private volatile boolean closed;

  /** Creates a guard at generation zero. */
  public ViewGuard() {}

  /** The current generation. */
  public long generation() {
    return generation;
  }

  /** Invalidates every view handed out so far. */
  public void invalidate() {
    generation++;
  }

  /** Invalidates every view for good: the cursor closed. */
  public void close() {
    generation++;
    closed = true;
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * @throws ClosedHandleException if a view of {@code viewGeneration} is no longer valid
   */
  void check(long viewGeneration) {
    if (viewGeneration != generation) {
      throw new ClosedHandleException(
          closed
              ? "view used after its cursor was closed"
              : "view used after its cursor moved; copy the bytes with toArray() to keep them");
    }
  }
}
