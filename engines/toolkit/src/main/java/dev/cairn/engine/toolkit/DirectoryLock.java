package dev.cairn.engine.toolkit;

import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a store directory, held through a file named {@value #FILE_NAME} in it, so
 * that one store is open in one place at a time.
 *
 * <p>Other processes are kept out by an operating-system lock on the file ({@link
 * FileChannel#tryLock()}); other opens in this JVM by a registry of locked directories, checked
 * before the file is touched. NB: the registry is not a nicety. POSIX drops every lock a process
 * holds on a file when the process closes <em>any</em> descriptor of it, so trying the OS lock a
 * second time from this JVM and closing the failed channel could release the first holder's lock.
 *
 * <p>The lock file is created if missing and never deleted (deleting it would race with another
 * process locking it). Thread-safe. <b>Must be closed</b> to release the lock; closing is
 * idempotent.
 */
public final class DirectoryLock implements AutoCloseable {

  /** The lock file's name in the store directory. */
  public static final String FILE_NAME = "LOCK";

  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path directory;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private DirectoryLock(Path directory, Path key, FileChannel channel, FileLock lock) {
    this.directory = directory;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code directory}, which must exist.
   *
   * @return the held lock, owned by the caller
   * @throws InvalidArgumentException if {@code directory} is null
   * @throws StoreLockedException if the directory is locked, by this JVM or another process
   * @throws StorageIOException if the directory is missing or the file system fails
   */
  public static DirectoryLock acquire(Path directory) {
    if (directory == null) {
      throw new InvalidArgumentException("store directory is null");
    }
    Path key;
    try {
      key = directory.toRealPath();
    } catch (IOException e) {
      throw new StorageIOException(directory + ": cannot resolve the store directory to lock", e);
    }
    if (!HELD.add(key)) {
      throw new StoreLockedException(
          "store at " + directory + " is already open in this process (its LOCK is held)");
    }
    Path file = key.resolve(FILE_NAME);
    FileChannel channel = null;
    boolean locked = false;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        throw new StoreLockedException(
            "store at " + directory + " is open in another process (" + file + " is locked)");
      }
      locked = true;
      return new DirectoryLock(directory, key, channel, lock);
    } catch (OverlappingFileLockException e) {
      throw new StoreLockedException(
          "store at " + directory + " is already open in this process (" + file + ")", e);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot open or lock the store's lock file", e);
    } finally {
      if (!locked) {
        closeQuietly(channel);
        HELD.remove(key);
      }
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // The lock was not taken; nothing depends on this channel.
    }
  }

  /** The directory this lock holds. */
  public Path directory() {
    return directory;
  }

  /** True until {@link #close()}. */
  public synchronized boolean isHeld() {
    return !closed && lock.isValid();
  }

  /**
   * Releases the lock. Idempotent.
   *
   * @throws StorageIOException if releasing fails (the lock is given up all the same)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException e) {
      throw new StorageIOException(directory + ": cannot release the store's lock", e);
    } finally {
      closeQuietly(channel);
      HELD.remove(key);
    }
  }
}
