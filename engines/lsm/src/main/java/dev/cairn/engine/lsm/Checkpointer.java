package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.FailStop;
import dev.cairn.engine.toolkit.SyncedFiles;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes a checkpoint: a consistent, openable copy of the store in a new directory, as of a pinned
 * read state and sequence.
 *
 * <p>Tables are immutable, so each table of the pinned version is hard-linked into the target where
 * the file system allows ({@link Files#createLink}) and copied otherwise. The memtables' entries at
 * or below the sequence are written as level-0 tables of the copy (one per memtable, so their
 * sequence ranges stay disjoint), which needs no flush of the store itself and works on a read-only
 * store. The copy gets an empty log, a manifest naming its tables, and {@code CURRENT}; everything
 * is forced, then the target directory and its parent.
 *
 * <p>A failure fails the checkpoint, not the store (its fsyncs are its own), and removes the target
 * directory again.
 *
 * <p>Runs on an engine thread; thread-safe as far as the pinned state is.
 */
final class Checkpointer {

  private Checkpointer() {}

  static void write(
      ReadState rs,
      long sequence,
      KeyspaceCatalog catalog,
      Path target,
      LsmEngineProvider.Settings settings) {
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
    try {
      Files.createDirectory(target);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidArgumentException("checkpoint target " + target + " already exists", e);
    } catch (IOException e) {
      throw new StorageIOException(target + ": cannot create the checkpoint directory", e);
    }
    boolean done = false;
    try {
      copy(rs, sequence, catalog, target, settings);
      SyncedFiles.syncDirectory(target);
      SyncedFiles.syncDirectory(parent);
      done = true;
    } finally {
      if (!done) {
        removeQuietly(target);
      }
    }
  }

  private static void copy(
      ReadState rs,
      long sequence,
      KeyspaceCatalog catalog,
      Path target,
      LsmEngineProvider.Settings settings) {
    FsyncGuard guard = new FsyncGuard(new FailStop(target)); // the checkpoint's own
    VersionEdit edit = new VersionEdit();
    catalog.describe(edit);
    long next = 1;
    for (int level = 0; level < Version.LEVELS; level++) {
      for (TableFile f : rs.version.level(level)) {
        linkOrCopy(f.path(), FileNames.table(target, f.number()));
        edit.addTable(level, f.meta());
        next = Math.max(next, f.number() + 1);
      }
    }
    List<MemTable> mems = new java.util.ArrayList<>(rs.immutables);
    mems.addFirst(rs.mutable);
    for (MemTable m : mems) {
      FileMeta meta =
          Flusher.write(
              target,
              next,
              m,
              sequence,
              settings.blockSize(),
              settings.bloomBitsPerKey(),
              settings.compression(),
              new Statistics(), // the copy's tables are not the store's writes
              guard);
      if (meta != null) {
        edit.addTable(0, meta);
        next++;
      }
    }
    long wal = next++;
    writeEmptyLog(FileNames.wal(target, wal), wal);
    long manifest = next++;
    edit.logNumber = wal;
    edit.lastSequence = sequence;
    edit.nextFile = next;
    Manifest.create(target, manifest, edit).close();
    Manifest.writeCurrent(target, manifest);
  }

  /** Creates a log holding only its header record, forced. */
  static void writeEmptyLog(Path path, long number) {
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer header =
          ByteBuffer.allocate((int) WalFormat.framedSizeBound(WalRecord.FILE_HEADER_SIZE));
      WalFormat.frame(header, 0, WalRecord.fileHeader(number));
      header.flip();
      long at = 0;
      while (header.hasRemaining()) {
        at += ch.write(header, at);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new StorageIOException(path + ": cannot create the log", e);
    }
  }

  private static void linkOrCopy(Path source, Path target) {
    try {
      Files.createLink(target, source);
      return; // the source is immutable and was forced; the link shares its data
    } catch (UnsupportedOperationException | IOException e) {
      // No hard links here (another file system, another device): copy.
    }
    try {
      Files.deleteIfExists(target);
      Files.copy(source, target);
    } catch (IOException e) {
      throw new StorageIOException(target + ": cannot copy " + source + " into the checkpoint", e);
    }
    SyncedFiles.sync(target);
  }

  private static void removeQuietly(Path dir) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | StorageException e) {
      // best effort: the checkpoint failed and says so
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // best effort
    }
  }
}
