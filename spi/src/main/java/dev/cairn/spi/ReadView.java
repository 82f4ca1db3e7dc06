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

  /**
   * The values of {@code keys}, in their order, null for each absent key, read from one consistent
   * state where the engine can (the default reads them one by one: each is the value at the time of
   * its own read).
   *
   * @return a new list owned by the caller; its arrays too
   * @throws InvalidArgumentException if the list or a key is null or a key is too long
   * @since 1.1
   */
  default java.util.List<byte[]> multiGet(java.util.List<byte[]> keys) {
    if (keys == null) {
      throw new InvalidArgumentException("keys is null");
    }
    java.util.List<byte[]> values = new java.util.ArrayList<>(keys.size());
    for (byte[] key : keys) {
      values.add(get(key));
    }
    return values;
  }

  /**
   * About how many keys {@code range} holds. The default counts them with a cursor (exact, and as
   * slow as a scan); engines answer from their metadata where they can, within a documented error.
   *
   * @throws InvalidArgumentException if the range is null
   * @throws UnsupportedCapabilityException for a range other than {@link KeyRange#all()} without
   *     {@link Capability#ORDERED_SCANS}
   * @since 1.1
   */
  default long approximateCount(KeyRange range) {
    long n = 0;
    try (Cursor c = cursor(range, Direction.FORWARD)) {
      while (c.next()) {
        n++;
      }
    }
    return n;
  }

  /**
   * About how many bytes of keys and values {@code range} holds, before any compression or
   * per-entry overhead. The default sums them with a cursor (exact, and as slow as a scan); engines
   * answer from their metadata where they can, within a documented error.
   *
   * @throws InvalidArgumentException if the range is null
   * @throws UnsupportedCapabilityException for a range other than {@link KeyRange#all()} without
   *     {@link Capability#ORDERED_SCANS}
   * @since 1.1
   */
  default long approximateSize(KeyRange range) {
    long bytes = 0;
    try (Cursor c = cursor(range, Direction.FORWARD)) {
      while (c.next()) {
        bytes += c.keyView().size() + (long) c.valueView().size();
      }
    }
    return bytes;
  }
}
