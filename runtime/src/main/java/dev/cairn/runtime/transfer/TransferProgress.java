package dev.cairn.runtime.transfer;

/**
 * How far an export or import has got, told to the caller's listener after each chunk (about once
 * per MiB of stream) on the thread doing the work.
 *
 * @param keyspace the keyspace being copied
 * @param entries entries copied so far, over every keyspace
 * @param streamBytes bytes of the stream written or read so far
 * @param expectedEntries for an export, the entries the source's statistics estimate (an
 *     approximation, possibly passed); for an import, -1
 * @param expectedStreamBytes for an import from a file, the file's size; otherwise -1
 * @since 1.2
 */
public record TransferProgress(
    String keyspace,
    long entries,
    long streamBytes,
    long expectedEntries,
    long expectedStreamBytes) {

  /**
   * The fraction done, in [0, 1], from the stream's bytes where their total is known, else from the
   * entries; 0 when neither total is known.
   *
   * @since 1.2
   */
  public double fraction() {
    if (expectedStreamBytes > 0) {
      return Math.min(1, (double) streamBytes / expectedStreamBytes);
    }
    if (expectedEntries > 0) {
      return Math.min(1, (double) entries / expectedEntries);
    }
    return 0;
  }
}
