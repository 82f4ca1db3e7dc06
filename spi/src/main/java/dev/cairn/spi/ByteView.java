package dev.cairn.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A read-only, zero-copy view of a key or value that a cursor lends.
 *
 * <p><b>Lifetime:</b> valid until the cursor that lent it moves, seeks or closes; any access after
 * that throws {@link ClosedHandleException}. Copy the bytes with {@link #toArray()} to keep them.
 * Views never expose the memory they read from, so they cannot be written to or outlive it.
 *
 * <p>Thread safety: like its cursor, a view is used by one thread at a time.
 */
public final class ByteView {

  private final MemorySegment segment;
  private final ViewGuard guard;
  private final long generation;

  private ByteView(MemorySegment segment, ViewGuard guard) {
    this.segment = segment.asReadOnly();
    this.guard = guard;
    this.generation = guard.generation();
  }

  /**
   * A view of {@code segment} valid while {@code guard} stays at its current generation.
   *
   * @throws InvalidArgumentException if an argument is null or the segment exceeds the value limit
   */
  public static ByteView of(MemorySegment segment, ViewGuard guard) {
    if (segment == null || guard == null) {
      throw new InvalidArgumentException("segment and guard are required");
    }
    if (segment.byteSize() > Limits.MAX_VALUE_SIZE) {
      throw new InvalidArgumentException("view of " + segment.byteSize() + " bytes is too large");
    }
    return new ByteView(segment, guard);
  }

  /** A view of a heap array; the caller must not modify the array while the view is valid. */
  public static ByteView of(byte[] bytes, ViewGuard guard) {
    if (bytes == null) {
      throw new InvalidArgumentException("bytes are required");
    }
    return of(MemorySegment.ofArray(bytes), guard);
  }

  /** The number of bytes. */
  public int size() {
    guard.check(generation);
    return (int) segment.byteSize();
  }

  /**
   * The byte at {@code index}.
   *
   * @throws InvalidArgumentException if {@code index} is out of bounds
   */
  public byte get(int index) {
    guard.check(generation);
    if (index < 0 || index >= segment.byteSize()) {
      throw new InvalidArgumentException(
          "index " + index + " out of bounds for view of " + segment.byteSize() + " bytes");
    }
    return segment.get(ValueLayout.JAVA_BYTE, index);
  }

  /** A copy of the bytes, owned by the caller. */
  public byte[] toArray() {
    guard.check(generation);
    return segment.toArray(ValueLayout.JAVA_BYTE);
  }

  /**
   * Copies the bytes into {@code target} from {@code offset}.
   *
   * @throws InvalidArgumentException if the target is null or too small
   */
  public void copyTo(byte[] target, int offset) {
    guard.check(generation);
    if (target == null || offset < 0 || target.length - offset < segment.byteSize()) {
      throw new InvalidArgumentException("target cannot hold " + segment.byteSize() + " bytes");
    }
    MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, target, offset, (int) segment.byteSize());
  }

  /** True when the view holds exactly the bytes of {@code other}. */
  public boolean contentEquals(byte[] other) {
    guard.check(generation);
    return other != null && Arrays.equals(toArray(), other);
  }

  @Override
  public String toString() {
    return guard.generation() == generation
        ? "ByteView[" + segment.byteSize() + " bytes]"
        : "ByteView[invalidated]";
  }
}
