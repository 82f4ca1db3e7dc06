package dev.cairn.engine.toolkit;

import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * A lock on a store directory, held through a file named {@value #FILE_NAME} in it: one writer, or
 * any number of readers, at a time.
 *
 * <p>A writer ({@link #acquire}) takes an exclusive operating-system lock on the file and writes
 * its process id into it, so that whoever is kept out can be told who holds the store. A reader
 * ({@link #acquireShared}, for a read-only open) takes a shared lock through a read-only channel,
 * so it works in a directory it cannot write to; where the lock file is missing and cannot be
 * created (a read-only directory no writer ever opened), there is no writer to keep out and the
 * reader holds nothing.
 *
 * <p>Other opens in this JVM are checked against a registry of locked directories before the file
 * is touched. NB: the registry is not a nicety. POSIX drops every lock a process holds on a file
 * when the process closes <em>any</em> descriptor of it, so trying the OS lock a second time from
 * this JVM and closing the failed channel could release the first holder's lock; for the same
 * reason the readers of one directory in this JVM share one channel and one OS lock.
 *
 * <p>The lock file is created if missing and never deleted (deleting it would race with another
 * process locking it). Thread-safe. <b>Must be closed</b> to release the lock; closing is
 * idempotent.
 */
public final class DirectoryLock implements AutoCloseable {

  /** The lock file's name in the store directory. */
  public static final String FILE_NAME = "LOCK";

  /** One directory's lock in this JVM: a writer, or readers sharing one channel. */
  private static final class Held {
    final boolean shared;
    final FileChannel channel; // null for readers of a directory without a lock file
    final FileLock lock;
    int holders = 1;

    Held(boolean shared, FileChannel channel, FileLock lock) {
      this.shared = shared;
      this.channel = channel;
      this.lock = lock;
    }
  }

  private static final Map<Path, Held> HELD = new HashMap<>(); // guarded by itself

  private final Path directory;
  private final Path key;
  private final Held held;
  private boolean closed;

  private DirectoryLock(Path directory, Path key, Held held) {
    this.directory = directory;
    this.key = key;
    this.held = held;
  }

  /**
   * Locks {@code directory}, which must exist, for a writer: nobody else may hold it.
   *
   * @return the held lock, owned by the caller
   * @throws InvalidArgumentException if {@code directory} is null
   * @throws StoreLockedException if the directory is locked, by this JVM or another process (the
   *     message names the holding process where it is known)
   * @throws StorageIOException if the directory is missing or the file system fails
   */
  public static DirectoryLock acquire(Path directory) {
    return acquire(directory, false);
  }

  /**
   * Locks {@code directory}, which must exist, for a reader: other readers may hold it too, a
   * writer may not. Works in a directory the caller cannot write to.
   *
   * @return the held lock, owned by the caller
   * @throws InvalidArgumentException if {@code directory} is null
   * @throws StoreLockedException if a writer holds the directory (the message names its process
   *     where it is known)
   * @throws StorageIOException if the directory is missing or the file system fails
   */
  public static DirectoryLock acquireShared(Path directory) {
    return acquire(directory, true);
  }

  private static DirectoryLock acquire(Path directory, boolean shared) {
    if (directory == null) {
      throw new InvalidArgumentException("store directory is null");
    }
    Path key;
    try {
      key = directory.toRealPath();
    } catch (IOException e) {
      throw new StorageIOException(directory + ": cannot resolve the store directory to lock", e);
    }
    synchronized (HELD) {
      Held h = HELD.get(key);
      if (h != null) {
        if (!shared || !h.shared) {
          throw new StoreLockedException(
              "store at "
                  + directory
                  + " is already open in this process"
                  + (h.shared ? ", read-only" : "")
                  + " (its "
                  + FILE_NAME
                  + " is held)");
        }
        h.holders++;
        return new DirectoryLock(directory, key, h);
      }
      Held taken = shared ? lockShared(directory, key) : lockExclusive(directory, key);
      HELD.put(key, taken);
      return new DirectoryLock(directory, key, taken);
    }
  }

  private static Held lockExclusive(Path directory, Path key) {
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
            "store at " + directory + " is open in another process" + holder(channel, file));
      }
      // NB: the holder's pid, for the message of whoever is kept out; advisory only.
      byte[] pid =
          ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(pid), 0);
      locked = true;
      return new Held(false, channel, lock);
    } catch (OverlappingFileLockException e) {
      throw new StoreLockedException(
          "store at " + directory + " is already open in this process (" + file + ")", e);
    } catch (AccessDeniedException e) {
      throw new StorageIOException(
          file + ": permission denied: cannot create or lock the store's lock file", e);
    } catch (java.nio.file.ReadOnlyFileSystemException e) {
      throw new StorageIOException(
          file + ": the file system is read-only: a store opened for writing needs its lock file",
          e);
    } catch (FileSystemException e) {
      throw new StorageIOException(
          file + ": cannot open or lock the store's lock file: " + reason(e), e);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot open or lock the store's lock file", e);
    } finally {
      if (!locked) {
        closeQuietly(channel);
      }
    }
  }

  private static Held lockShared(Path directory, Path key) {
    Path file = key.resolve(FILE_NAME);
    FileChannel channel = null;
    boolean locked = false;
    try {
      try {
        channel = FileChannel.open(file, StandardOpenOption.READ);
      } catch (NoSuchFileException missing) {
        try {
          channel =
              FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE);
        } catch (AccessDeniedException | java.nio.file.ReadOnlyFileSystemException e) {
          // A read-only directory no writer ever opened (a writer creates the lock file): there
          // is nobody to keep out.
          locked = true;
          return new Held(true, null, null);
        } catch (FileSystemException e) {
          if (!Files.isWritable(key)) {
            locked = true;
            return new Held(true, null, null);
          }
          throw e;
        }
      }
      FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        throw new StoreLockedException(
            "store at "
                + directory
                + " is open for writing in another process"
                + holder(channel, file)
                + "; a read-only open must wait until it closes");
      }
      locked = true;
      return new Held(true, channel, lock);
    } catch (OverlappingFileLockException e) {
      throw new StoreLockedException(
          "store at " + directory + " is already open in this process (" + file + ")", e);
    } catch (FileSystemException e) {
      throw new StorageIOException(
          file + ": cannot open or lock the store's lock file: " + reason(e), e);
    } catch (IOException e) {
      throw new StorageIOException(file + ": cannot open or lock the store's lock file", e);
    } finally {
      if (!locked) {
        closeQuietly(channel);
      }
    }
  }

  /** " (process N holds FILE)", from what the holding writer wrote, or " (FILE is locked)". */
  private static String holder(FileChannel channel, Path file) {
    try {
      ByteBuffer b = ByteBuffer.allocate(64);
      channel.read(b, 0);
      String text = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      if (text.matches("pid [0-9]{1,19}")) {
        return " (process " + text.substring(4) + " holds " + file + ")";
      }
    } catch (IOException e) {
      // The pid is a courtesy; the lock is what counts.
    }
    return " (" + file + " is locked)";
  }

  /** The operating system's reason, without the exception's class name. */
  private static String reason(FileSystemException e) {
    return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
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

  /** Whether this is a reader's lock, shared with other readers. */
  public boolean isShared() {
    return held.shared;
  }

  /** True until {@link #close()}. */
  public synchronized boolean isHeld() {
    return !closed && (held.lock == null || held.lock.isValid());
  }

  /**
   * Releases the lock. Idempotent.
   *
   * @throws StorageIOException if releasing fails (the lock is given up all the same)
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    synchronized (HELD) {
      if (--held.holders > 0) {
        return;
      }
      HELD.remove(key);
      try {
        if (!held.shared) {
          try {
            held.channel.truncate(0); // no stale pid for whoever is kept out next
          } catch (IOException e) {
            // The pid is a courtesy; releasing the lock is what counts.
          }
        }
        if (held.lock != null) {
          held.lock.release();
        }
      } catch (IOException e) {
        throw new StorageIOException(directory + ": cannot release the store's lock", e);
      } finally {
        closeQuietly(held.channel);
      }
    }
  }
}
