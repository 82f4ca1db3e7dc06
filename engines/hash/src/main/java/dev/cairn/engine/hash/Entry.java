package dev.cairn.engine.hash;

/**
 * Where the newest record of a key lives, as the {@link Keydir} keeps it: its sequence number, data
 * file, offset and size, and whether it is a tombstone.
 *
 * <p>A sequence number names one record for good: merge copies a record with its sequence, so an
 * entry's sequence identifies it across moves, and {@code (file, offset)} identifies the copy.
 *
 * @param seq the record's sequence number, at least 1
 * @param fileId the data file, at least 1
 * @param offset where the record starts in the file, below 2^32
 * @param size the record's framed size in bytes, 1 to 2^31 - 1
 * @param tombstone whether the record deletes its key
 */
record Entry(long seq, int fileId, long offset, int size, boolean tombstone) {

  /** True when this entry points at the record at {@code fileId}, {@code offset}. */
  boolean isAt(int file, long at) {
    return fileId == file && offset == at;
  }

  /** This entry moved to another place, as merge moves a record. */
  Entry movedTo(int file, long at) {
    return new Entry(seq, file, at, size, tombstone);
  }
}
