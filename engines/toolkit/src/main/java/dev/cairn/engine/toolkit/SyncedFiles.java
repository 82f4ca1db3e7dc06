package dev.cairn.engine.toolkit;

import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * fsync helpers on {@link java.nio.file}: sync a file, sync a directory, create directories
 * durably, replace a small file atomically. The one implementation of these steps in the
 * repository: engines and the runtime (its store marker) use them, so that one policy holds
 * everywhere (decision 0014).
 *
 * <p>Every method works on any NIO file system through the {@link Path} it is given, and turns an
 * {@link IOException} into a {@link StorageIOException} naming the file and the operation.
 *
 * <p>Thread-safe: static methods without state.
 */
public final class SyncedFiles {

  // Why directories are synced: creating, renaming or deleting a file changes its directory, and
  // that change reaches stable storage only when the directory is fsynced (POSIX; ext4 and XFS
  // behave so; see "Files are hard" and the ALICE study, OSDI 2014). A log file that was synced
  // but whose directory entry was not can vanish after a power cut.
  //
  // Where refusal is tolerated: Windows cannot open a directory as a file, and NTFS journals its
  // metadata, so on the platform's own file system there syncDirectory does nothing. Everywhere
  // else a failure is reported: silently skipping a directory sync would void the guarantee. A file
  // system that cannot open a directory at all (the JDK's zip file system, for one) therefore
  // cannot hold a durable store, and says so on the first directory sync.

  private SyncedFiles() {}

  /**
   * Forces the contents and metadata of {@code file} to stable storage. The file must be writable
   * (Windows flushes only through a writable handle).
   *
   * @throws InvalidArgumentException if {@code file} is null
   * @throws StorageIOException if the file cannot be opened or the sync fails
   */
  public static void sync(Path file) {
    if (file == null) {
      throw new InvalidArgumentException("file is null");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.force(true);
    } catch (IOException e) {
      throw new StorageIOException(file + ": fsync failed", e);
    }
  }

  /**
   * Forces {@code channel}, open on {@code file}, to stable storage with its metadata.
   *
   * @throws InvalidArgumentException if an argument is null
   * @throws StorageIOException if the sync fails
   */
  public static void sync(FileChannel channel, Path file) {
    if (channel == null || file == null) {
      throw new InvalidArgumentException("channel and file are required");
    }
    try {
      channel.force(true);
    } catch (IOException e) {
      throw new StorageIOException(file + ": fsync failed", e);
    }
  }

  /**
   * Forces {@code channel}'s contents, open on {@code file}, to stable storage, with only the
   * metadata needed to read them back (its size, its blocks): {@code fdatasync}, not {@code fsync}.
   * A file's timestamps change with every write, so {@link #sync(FileChannel, Path)} commits the
   * file system's journal on every call (ext4), while this one does so only when the file grew or
   * shrank since the last force: for files rewritten in place or kept preallocated.
   *
   * @throws InvalidArgumentException if an argument is null
   * @throws StorageIOException if the sync fails
   */
  public static void syncData(FileChannel channel, Path file) {
    if (channel == null || file == null) {
      throw new InvalidArgumentException("channel and file are required");
    }
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new StorageIOException(file + ": fdatasync failed", e);
    }
  }

  /**
   * Forces the entries of {@code directory} (files created, renamed or deleted in it) to stable
   * storage. On Windows' own file system, which cannot open a directory, it does nothing; on every
   * other file system a directory that cannot be opened is an error, never a sync skipped.
   *
   * @throws InvalidArgumentException if {@code directory} is null
   * @throws StorageIOException naming the directory if it cannot be opened or the sync fails
   */
  public static void syncDirectory(Path directory) {
    if (directory == null) {
      throw new InvalidArgumentException("directory is null");
    }
    if (isWindowsPlatformFileSystem(directory)) {
      return;
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(directory, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      throw new StorageIOException(
          directory
              + ": fsync of the directory failed: it cannot be opened ("
              + e
              + "), so changes to its entries cannot be made durable",
          e);
    }
    try (channel) {
      channel.force(true);
    } catch (IOException e) {
      throw new StorageIOException(directory + ": fsync of the directory failed (" + e + ")", e);
    }
  }

  /**
   * Creates {@code directory} and any missing parents, durably: the parent of each directory it
   * creates is synced, so the new entries survive a power loss. Does nothing to a directory that
   * exists.
   *
   * @throws InvalidArgumentException if {@code directory} is null
   * @throws StorageIOException naming the directory if it cannot be created (a file is in the way)
   *     or a parent cannot be synced
   */
  public static void createDirectories(Path directory) {
    if (directory == null) {
      throw new InvalidArgumentException("directory is null");
    }
    Path absolute = directory.toAbsolutePath();
    ArrayDeque<Path> missing = new ArrayDeque<>();
    for (Path p = absolute; p != null && Files.notExists(p); p = p.getParent()) {
      missing.push(p); // the top-most missing directory ends up first
    }
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new StorageIOException(directory + ": cannot create the directory", e);
    }
    for (Path created : missing) {
      syncDirectory(created.getParent());
    }
  }

  /**
   * Replaces {@code target} with {@code content} so that after a crash it holds either its old
   * content or the new, never a mix: writes and syncs a temporary file beside it ({@code
   * <name>.tmp}, overwritten if left by an earlier crash), renames it over the target atomically,
   * and syncs the directory. For small files (a manifest pointer, a store descriptor): the content
   * is written in one piece.
   *
   * @throws InvalidArgumentException if an argument is null
   * @throws StorageIOException if a step fails, naming the step; the target then holds its old
   *     content, or the new one if only the directory sync failed
   */
  public static void replaceAtomically(Path target, byte[] content) {
    if (target == null || content == null || target.getFileName() == null) {
      throw new InvalidArgumentException("target file and content are required");
    }
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        channel.write(b);
      }
      channel.force(true);
    } catch (IOException e) {
      throw new StorageIOException(temp + ": cannot write and sync the replacement file", e);
    }
    publish(temp, target);
  }

  /**
   * The last two steps of an atomic replace, for a file written and synced by its own writer (a log
   * streamed to {@code temp}): renames {@code temp} over {@code target} atomically and syncs the
   * directory. The caller has forced {@code temp}.
   *
   * @throws InvalidArgumentException if an argument is null
   * @throws StorageIOException if the file system cannot rename atomically (a non-atomic replace is
   *     refused), the rename fails, or the directory sync fails
   */
  public static void publish(Path temp, Path target) {
    if (temp == null || target == null || target.getFileName() == null) {
      throw new InvalidArgumentException("temporary and target files are required");
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new StorageIOException(
          target + ": the file system cannot rename atomically; refusing a non-atomic replace", e);
    } catch (IOException e) {
      throw new StorageIOException(temp + ": cannot rename over " + target, e);
    }
    syncDirectory(parentOf(target));
  }

  /** The directory holding {@code file}, also for a relative path of one name. */
  static Path parentOf(Path file) {
    Path parent = file.getParent();
    return parent != null ? parent : file.toAbsolutePath().getParent();
  }

  private static boolean isWindowsPlatformFileSystem(Path path) {
    // NB: the platform file system is recognized by its provider's scheme, never through the
    // default file system, which engines must not touch.
    return "file".equals(path.getFileSystem().provider().getScheme())
        && System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
  }
}
