package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageIOException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncedFilesTest {

  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void syncsFilesAndDirectories() throws IOException {
    Path file = Files.write(dir.resolve("data"), utf8("x"));
    SyncedFiles.sync(file);
    SyncedFiles.syncDirectory(dir);
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      SyncedFiles.sync(c, file);
    }
    assertArrayEquals(utf8("x"), Files.readAllBytes(file));
  }

  @Test
  void failuresNameTheFileAndOperation() {
    Path missing = dir.resolve("missing");
    StorageIOException e = assertThrows(StorageIOException.class, () -> SyncedFiles.sync(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("fsync"), e.getMessage());
    assertTrue(e.getCause() instanceof IOException);
    e = assertThrows(StorageIOException.class, () -> SyncedFiles.syncDirectory(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> SyncedFiles.sync(null));
    assertThrows(InvalidArgumentException.class, () -> SyncedFiles.syncDirectory(null));
  }

  @Test
  void syncDataForcesAChannelAndNamesTheFileWhenItFails() throws IOException {
    Path file = dir.resolve("data");
    FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try (c) {
      c.write(java.nio.ByteBuffer.wrap(utf8("grown")), 0);
      SyncedFiles.syncData(c, file);
    }
    assertArrayEquals(utf8("grown"), Files.readAllBytes(file));
    StorageIOException e =
        assertThrows(StorageIOException.class, () -> SyncedFiles.syncData(c, file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("fdatasync"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> SyncedFiles.syncData(null, file));
    assertThrows(InvalidArgumentException.class, () -> SyncedFiles.syncData(c, null));
  }

  @Test
  void replaceAtomicallyCreatesAndReplaces() throws IOException {
    Path target = dir.resolve("CURRENT");
    SyncedFiles.replaceAtomically(target, utf8("one"));
    assertArrayEquals(utf8("one"), Files.readAllBytes(target));
    SyncedFiles.replaceAtomically(target, utf8("two, longer"));
    assertArrayEquals(utf8("two, longer"), Files.readAllBytes(target));
    SyncedFiles.replaceAtomically(target, new byte[0]);
    assertArrayEquals(new byte[0], Files.readAllBytes(target));
    assertFalse(Files.exists(dir.resolve("CURRENT.tmp")), "no temporary file is left");
  }

  @Test
  void replaceAtomicallyOverwritesATemporaryFileLeftByACrash() throws IOException {
    Path target = dir.resolve("CURRENT");
    Files.write(dir.resolve("CURRENT.tmp"), utf8("garbage from an earlier crash, long"));
    SyncedFiles.replaceAtomically(target, utf8("new"));
    assertArrayEquals(utf8("new"), Files.readAllBytes(target));
  }

  @Test
  void replaceAtomicallyInAMissingDirectoryFailsNamingTheFile() {
    Path target = dir.resolve("nowhere").resolve("CURRENT");
    StorageIOException e =
        assertThrows(
            StorageIOException.class, () -> SyncedFiles.replaceAtomically(target, utf8("x")));
    assertTrue(e.getMessage().contains("CURRENT.tmp"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> SyncedFiles.replaceAtomically(target, null));
  }

  @Test
  void aDirectoryThatCannotBeOpenedIsAnErrorNamingItNeverASkippedSync() throws IOException {
    // The JDK's zip file system cannot open a directory as a channel.
    try (FileSystem zip =
        FileSystems.newFileSystem(
            URI.create("jar:" + dir.resolve("z.zip").toUri()), Map.of("create", "true"))) {
      Path inZip = Files.createDirectories(zip.getPath("/store"));
      StorageIOException e =
          assertThrows(StorageIOException.class, () -> SyncedFiles.syncDirectory(inZip));
      assertTrue(
          e.getMessage().startsWith("/store: fsync of the directory failed"), e.getMessage());
      assertTrue(e.getMessage().contains("cannot be opened"), e.getMessage());

      Path target = inZip.resolve("CURRENT");
      e =
          assertThrows(
              StorageIOException.class, () -> SyncedFiles.replaceAtomically(target, utf8("x")));
      assertTrue(
          e.getMessage().startsWith("/store: fsync of the directory failed"), e.getMessage());
    }
  }

  @Test
  void createDirectoriesCreatesEveryMissingLevelAndLeavesAnExistingOneAlone() throws IOException {
    Path deep = dir.resolve("a").resolve("b").resolve("c");
    SyncedFiles.createDirectories(deep);
    assertTrue(Files.isDirectory(deep));
    Files.write(deep.resolve("kept"), utf8("x"));
    SyncedFiles.createDirectories(deep);
    assertArrayEquals(utf8("x"), Files.readAllBytes(deep.resolve("kept")));

    Path blocked = deep.resolve("kept").resolve("d");
    StorageIOException e =
        assertThrows(StorageIOException.class, () -> SyncedFiles.createDirectories(blocked));
    assertTrue(e.getMessage().contains(blocked.toString()), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> SyncedFiles.createDirectories(null));
  }

  @Test
  void createDirectoriesSyncsTheParentOfEachDirectoryItCreates() throws IOException {
    try (FileSystem zip =
        FileSystems.newFileSystem(
            URI.create("jar:" + dir.resolve("z.zip").toUri()), Map.of("create", "true"))) {
      Path existing = Files.createDirectories(zip.getPath("/there"));
      SyncedFiles.createDirectories(existing); // nothing created, nothing to sync
      // NB: on a file system that cannot open directories, creating one cannot be made durable.
      StorageIOException e =
          assertThrows(
              StorageIOException.class,
              () -> SyncedFiles.createDirectories(zip.getPath("/there/new")));
      assertTrue(e.getMessage().startsWith("/there: fsync of the directory"), e.getMessage());
    }
  }
}
