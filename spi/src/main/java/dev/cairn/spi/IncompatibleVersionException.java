package dev.cairn.spi;

/**
 * Versions that cannot work together: a provider built against another SPI major version, a store
 * written in a format newer than the engine reads, or a store written by another engine. The
 * message names both sides (for example "store at /data was written by engine 'lsm', not 'hash'" or
 * "format version 3 is newer than the newest this engine reads, 2").
 */
public final class IncompatibleVersionException extends StorageException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message naming both versions. */
  public IncompatibleVersionException(String message) {
    super(message);
  }

  /** Creates the exception with a message naming both versions, and its cause. */
  public IncompatibleVersionException(String message, Throwable cause) {
    super(message, cause);
  }
}
