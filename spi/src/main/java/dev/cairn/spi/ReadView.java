package dev.cairn.spi;

/**
 * The read operations shared by a live store and a {@link Snapshot} of it.
 *
 * <p>Thread-safe: any number of threads may read at once.
 */
public interface ReadView {

  /**
   * The value stored under {@code key}, or null when the key is absent.
   *
   * @return a new array owned by the caller, or null
   * @throws InvalidArgumentException if {@code key} is null or too long
   * @throws ClosedHandleException if this view (or its store) is closed
   * @throws CorruptionException if the stored record fails its checksum
   * @throws StorageIOException if the file system fails
   */
  byte[] get(byte[] key);

  /**
   * Opens a cursor over the keys of {@code range}, visited in {@code direction}.
   *
   * <p>The cursor starts before the first entry: call {@link Cursor#next()} to reach it. It sees a
   * consistent view: the state at the moment it was opened (engines with {@link
   * Capability#SNAPSHOTS}), or for others at least every write acknowledged before it opened and no
   * partial batch. The cursor must be closed; closing the store closes it.
   *
   * @throws InvalidArgumentException if an argument is null
   * @throws UnsupportedCapabilityException if the engine lacks {@link Capability#ORDERED_SCANS} and
   *     the range is not {@link KeyRange#all()} or the direction is not forward
   * @throws ClosedHandleException if this view is closed
   */
  Cursor cursor(KeyRange range, Direction direction);

  /** A forward cursor over every key: {@code cursor(KeyRange.all(), Direction.FORWARD)}. */
  default Cursor cursor() {
    return cursor(KeyRange.all(), Direction.FORWARD);
  }
}
