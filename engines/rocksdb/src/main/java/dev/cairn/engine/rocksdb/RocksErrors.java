package dev.cairn.engine.rocksdb;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.UnsupportedCapabilityException;
import java.nio.file.Path;
import java.util.Locale;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Maps a {@link RocksDBException} to the SPI's exception hierarchy, by RocksDB status code.
 *
 * <p>RocksDB reports a held {@code LOCK} file as an {@code IOError} whose message names the lock
 * ("lock hold by current process", "While lock file ... Resource temporarily unavailable"); that
 * one becomes {@link StoreLockedException}, which, when opening, says in plain words who holds the
 * store ({@link #mapOpen}), RocksDB's text staying in the cause.
 *
 * <p>The codes by which RocksDB says "not now, nothing was done" become {@link BusyException},
 * retryable and no reason to fail-stop: {@code Busy} (a conflict or a resource in use), {@code
 * TimedOut} (a lock or a wait timed out), {@code TryAgain} (RocksDB asks for a retry), and {@code
 * Incomplete}, which RocksDB returns when it would have had to wait and was asked not to (a write
 * with {@code no_slowdown} during a write stall, "Write stall"; a read limited to the block cache)
 * or when a manual compaction was paused. Codes without an SPI counterpart (aborted, shutdown in
 * progress, and codes RocksJava does not know, {@code Undefined}) become {@link
 * StorageIOException}.
 */
final class RocksErrors {

  private RocksErrors() {}

  static StorageException map(String what, RocksDBException e) {
    Status status = e.getStatus();
    Status.Code code = status == null ? Status.Code.IOError : status.getCode();
    String message = what + ": " + e.getMessage();
    return switch (code) {
      case Corruption -> new CorruptionException(message, e);
      case InvalidArgument -> new InvalidArgumentException(message, e);
      case NotSupported -> new UnsupportedCapabilityException(message, e);
      case Busy, TimedOut, TryAgain, Incomplete ->
          new BusyException(message + " (retryable; nothing was changed)", e);
      case IOError -> isLock(e) ? new StoreLockedException(message, e) : ioError(message, e);
      default -> ioError(message, e);
    };
  }

  /** {@link #map} for a failed open of the store in {@code dir}. */
  static StorageException mapOpen(Path dir, RocksDBException e) {
    if (!isLock(e)) {
      return map("cannot open RocksDB store in " + dir, e);
    }
    Path lock = dir.resolve("LOCK");
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    // NB: RocksDB keeps its own registry of the LOCK files this process holds, and says "lock hold
    // by current process" from it; any other failure to lock is another process's lock.
    return m.contains("lock hold by current process")
        ? new StoreLockedException(
            "store at " + dir + " is already open in this process (it holds " + lock + ")", e)
        : new StoreLockedException(
            "store at "
                + dir
                + " is open for writing in another process (it holds "
                + lock
                + "); a read-only open does not need the lock",
            e);
  }

  static boolean isCorruption(RocksDBException e) {
    return e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption;
  }

  private static boolean isLock(RocksDBException e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return m.contains("/lock") || m.contains("lock hold") || m.contains("lock file");
  }

  private static StorageIOException ioError(String message, RocksDBException e) {
    return new StorageIOException(message, e);
  }
}
