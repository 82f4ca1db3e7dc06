package dev.cairn.engine.hash;

import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a checkpoint: a consistent, openable copy of the store in a new directory.
 *
 * <p>The writer first seals the active file (forcing it), so every write acknowledged before the
 * call lies in sealed, immutable files; the live sealed files are then taken under the merge and
 * publish locks (merge holds the first to move entries and swap files), so they form one consistent
 * state. Each is hard-linked into the target where the file system allows ({@link
 * Files#createLink}) and copied otherwise, with its hint if it has one, beside a copy of the
 * manifest. Copies are synced, then the target directory and its parent.
 *
 * <p>Thread-safe: runs on the caller's thread; the files it reads are held against deletion.
 */
final class Checkpointer {

  private Checkpointer() {}

  /**
   * Writes the checkpoint.
   *
   * @return the bytes of the files it holds (linked or copied)
   */
  static long write(IndexState state, LogWriter writer, Path target) {
    if (target == null) {
      throw new InvalidArgumentException("checkpoint target is null");
    }
    if (Files.exists(target)) {
      throw new InvalidArgumentException("checkpoint target " + target + " already exists");
    }
    Path parent = target.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new InvalidArgumentException(
          "checkpoint target's parent " + parent + " is not a directory");
    }
    if (writer != null) {
      writer.rollNow();
    }
    List<DataFile> files;
    synchronized (state.mergeLock) {
      synchronized (state.publishLock) {
        files = state.acquireSealedLocked();
      }
    }
    long bytes = 0;
    try {
      try {
        Files.createDirectory(target);
      } catch (FileAlreadyExistsException e) {
        throw new InvalidArgumentException("checkpoint target " + target + " already exists", e);
      }
      copy(state.directory.resolve(Manifest.FILE_NAME), target.resolve(Manifest.FILE_NAME));
      for (DataFile f : files) {
        linkOrCopy(f.path(), target.resolve(f.path().getFileName().toString()));
        bytes += f.size();
        if (Files.exists(f.hintPath())) {
          linkOrCopy(f.hintPath(), target.resolve(f.hintPath().getFileName().toString()));
          bytes += Files.size(f.hintPath());
        }
      }
      SyncedFiles.syncDirectory(target);
      SyncedFiles.syncDirectory(parent);
      return bytes;
    } catch (IOException e) {
      throw new StorageIOException(target + ": cannot write the checkpoint", e);
    } finally {
      files.forEach(DataFile::release);
    }
  }

  private static void linkOrCopy(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source);
      return; // the source is sealed and was synced; the link shares its data
    } catch (UnsupportedOperationException | IOException e) {
      // No hard links here (another file system, another device): copy.
      Files.deleteIfExists(target);
    }
    copy(source, target);
  }

  private static void copy(Path source, Path target) throws IOException {
    Files.copy(source, target);
    SyncedFiles.sync(target);
  }
}
