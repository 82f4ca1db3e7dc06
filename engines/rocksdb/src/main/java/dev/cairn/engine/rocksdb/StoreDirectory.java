package dev.cairn.engine.rocksdb;

import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which directories the engine accepts, checked before RocksDB touches them.
 *
 * <p>RocksDB does its own native file I/O, so the directory must be on the default file system (the
 * engine does not declare {@code ANY_FILE_SYSTEM}). A RocksDB store is recognised by its {@code
 * CURRENT} file. A directory holding other files and no {@code CURRENT} is refused rather than
 * written into: it is some other program's data. The runtime's store marker ({@value #MARKER}) is
 * the one foreign file allowed.
 */
final class StoreDirectory {

  static final String MARKER = "CAIRN-STORE";
  private static final Set<String> ALLOWED_IN_NEW_STORE = Set.of(MARKER, "LOCK", "LOG");

  private StoreDirectory() {}

  /**
   * Checks {@code directory} and creates it when allowed.
   *
   * @return the absolute path RocksDB should open
   * @throws InvalidArgumentException if the directory is on another file system or is a file
   * @throws StorageIOException if the store is missing and creation was not asked for, or the file
   *     system fails
   * @throws IncompatibleVersionException if the directory holds files that are not a RocksDB store
   */
  static Path prepare(Path directory, boolean createIfMissing) {
    if (directory.getFileSystem() != FileSystems.getDefault()) {
      throw new InvalidArgumentException(
          "engine 'rocksdb' does its own native file I/O and needs a directory on the default file"
              + " system; "
              + directory
              + " is on a "
              + directory.getFileSystem().provider().getScheme()
              + " file system ("
              + directory.getFileSystem().getClass().getName()
              + ")");
    }
    Path dir = directory.toAbsolutePath();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new InvalidArgumentException("store path " + dir + " is a file, not a directory");
    }
    boolean isStore = Files.isRegularFile(dir.resolve("CURRENT"));
    if (isStore) {
      return dir;
    }
    List<String> foreign = foreignFiles(dir);
    if (!foreign.isEmpty()) {
      throw new IncompatibleVersionException(
          "directory "
              + dir
              + " is not a RocksDB store (no CURRENT file) but holds other files, for example "
              + foreign
              + "; refusing to write into it");
    }
    if (!createIfMissing) {
      throw new StorageIOException(
          "no RocksDB store in " + dir + " and creation was not asked for (createIfMissing=false)");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageIOException("cannot create store directory " + dir + ": " + e, e);
    }
    return dir;
  }

  /** Bytes of every regular file beneath {@code dir}; files deleted during the walk count zero. */
  static long sizeOnDisk(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(StoreDirectory::sizeOf).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return -1;
    }
  }

  private static long sizeOf(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.isRegularFile() ? a.size() : 0;
    } catch (NoSuchFileException e) {
      return 0; // compaction deleted it during the walk
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<String> foreignFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.map(p -> p.getFileName().toString())
          .filter(n -> !ALLOWED_IN_NEW_STORE.contains(n))
          .sorted()
          .limit(3)
          .forEach(names::add);
    } catch (IOException e) {
      throw new StorageIOException("cannot list store directory " + dir + ": " + e, e);
    }
    return names;
  }
}
