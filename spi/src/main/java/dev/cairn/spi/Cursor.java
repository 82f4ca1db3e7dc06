package dev.cairn.spi;

/**
 * An iteration over the entries of a {@link KeyRange} in one {@link Direction}.
 *
 * <p>A cursor sits <em>between</em> entries. It starts before the first entry of its range (in its
 * direction); {@link #next()} steps onto the following entry, and {@link #seek(byte[])} moves it to
 * just before the first entry at or beyond a key. While it sits on an entry, {@link #key()} and
 * {@link #value()} return copies and {@link #keyView()} and {@link #valueView()} zero-copy views.
 *
 * <p>Thread safety: a cursor is used by one thread at a time. <b>Must be closed</b>; closing it
 * twice is harmless, closing its store or snapshot closes it, and the runtime reports a cursor that
 * became unreachable without being closed.
 *
 * <p>Views: a {@link ByteView} is valid until the cursor next moves, seeks or closes; afterwards
 * any access throws {@link ClosedHandleException}.
 */
public interface Cursor extends AutoCloseable {

  /**
   * Steps onto the next entry in the cursor's direction.
   *
   * @return true when the cursor now sits on an entry; false when the range is exhausted (and stays
   *     so until a seek)
   * @throws ClosedHandleException if the cursor is closed
   * @throws CorruptionException if a record read fails its checksum
   * @throws StorageIOException if the file system fails
   */
  boolean next();

  /**
   * Moves the cursor so that the next {@link #next()} returns the first entry of the range at or
   * after {@code key} (forward) or at or before {@code key} (reverse). Seeking outside the range
   * clamps to it: before the range, the cursor restarts; beyond it, it is exhausted.
   *
   * @throws InvalidArgumentException if {@code key} is null or too long
   * @throws UnsupportedCapabilityException without {@link Capability#ORDERED_SCANS}
   * @throws ClosedHandleException if the cursor is closed
   */
  void seek(byte[] key);

  /**
   * A copy of the current key.
   *
   * @throws InvalidStateException if the cursor is not on an entry
   * @throws ClosedHandleException if the cursor is closed
   */
  byte[] key();

  /**
   * A copy of the current value.
   *
   * @throws InvalidStateException if the cursor is not on an entry
   * @throws ClosedHandleException if the cursor is closed
   */
  byte[] value();

  /**
   * A zero-copy view of the current key, valid until the cursor moves or closes.
   *
   * @throws InvalidStateException if the cursor is not on an entry
   * @throws ClosedHandleException if the cursor is closed
   */
  ByteView keyView();

  /**
   * A zero-copy view of the current value, valid until the cursor moves or closes.
   *
   * @throws InvalidStateException if the cursor is not on an entry
   * @throws ClosedHandleException if the cursor is closed
   */
  ByteView valueView();

  /** Releases the cursor and invalidates its views. Idempotent; never throws. */
  @Override
  void close();
}
