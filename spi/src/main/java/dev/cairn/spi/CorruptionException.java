package dev.cairn.spi;

/**
 * Data on disk is not what the engine wrote: a checksum mismatch, an impossible length, a missing
 * file a manifest names. The message names the file and, where known, the offset. A store reporting
 * corruption should be checked ({@link StorageEngine#checkConsistency()}) and restored from a
 * checkpoint; the engine never returns data that fails a checksum.
 */
public final class CorruptionException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming what was wrong. */
  public CorruptionException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming what was wrong, and its cause. */
  public CorruptionException(String message, Throwable cause) {
    super(message, cause);
  }
}
