package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {

  @TempDir Path dir;

  @Test
  void secondLockInThisProcessIsRefusedUntilReleased() throws IOException {
    Files.createDirectory(dir.resolve("sub"));
    DirectoryLock lock = DirectoryLock.acquire(dir);
    assertTrue(lock.isHeld());
    assertTrue(Files.exists(dir.resolve(DirectoryLock.FILE_NAME)));
    StoreLockedException e =
        assertThrows(StoreLockedException.class, () -> DirectoryLock.acquire(dir));
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    // Another spelling of the same directory is the same store.
    assertThrows(
        StoreLockedException.class, () -> DirectoryLock.acquire(dir.resolve("sub").resolve("..")));
    lock.close();
    assertFalse(lock.isHeld());
    lock.close(); // idempotent
    try (DirectoryLock again = DirectoryLock.acquire(dir)) {
      assertTrue(again.isHeld());
    }
  }

  @Test
  void missingDirectoryIsAnIoError() {
    assertThrows(StorageIOException.class, () -> DirectoryLock.acquire(dir.resolve("missing")));
  }

  @Test
  void otherProcessesSeeTheLock() throws Exception {
    Path probe = writeProbe();
    Path lockFile = dir.resolve(DirectoryLock.FILE_NAME);
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      assertEquals("busy", runProbe(probe, lockFile));
      // A refused second open in this JVM must not drop the OS lock (POSIX releases a process's
      // locks on a file when any of its descriptors for the file closes).
      assertThrows(StoreLockedException.class, () -> DirectoryLock.acquire(dir));
      assertEquals("busy", runProbe(probe, lockFile));
      assertTrue(lock.isHeld());
    }
    assertEquals("free", runProbe(probe, lockFile));
  }

  @Test
  void readersShareTheLockAndKeepAWriterOutAndAWriterKeepsReadersOut() {
    try (DirectoryLock b = DirectoryLock.acquireShared(dir)) {
      try (DirectoryLock a = DirectoryLock.acquireShared(dir)) {
        assertTrue(a.isShared() && a.isHeld() && b.isHeld());
        StoreLockedException e =
            assertThrows(StoreLockedException.class, () -> DirectoryLock.acquire(dir));
        assertTrue(e.getMessage().contains("read-only"), e.getMessage());
      }
      assertThrows(StoreLockedException.class, () -> DirectoryLock.acquire(dir));
      assertTrue(b.isHeld(), "closing one reader keeps the other's lock");
    }
    try (DirectoryLock w = DirectoryLock.acquire(dir)) {
      assertFalse(w.isShared());
      assertThrows(StoreLockedException.class, () -> DirectoryLock.acquireShared(dir));
    }
    try (DirectoryLock r = DirectoryLock.acquireShared(dir)) {
      assertTrue(r.isHeld());
    }
  }

  @Test
  void aReaderOfAReadOnlyDirectoryWithoutALockFileHoldsNothingAndSucceeds() throws IOException {
    // The JDK's zip file system opened read-only stands in for a read-only directory (the
    // tests may run as root, whom file permissions do not stop).
    Path zip = dir.resolve("store.zip");
    try (FileSystem fs = FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
      Files.createDirectory(fs.getPath("/store"));
      Files.writeString(fs.getPath("/store/data"), "x");
    }
    try (FileSystem fs =
        FileSystems.newFileSystem(zip, java.util.Map.of("accessMode", "readOnly"))) {
      Path store = fs.getPath("/store");
      try (DirectoryLock r = DirectoryLock.acquireShared(store)) {
        assertTrue(r.isHeld());
        assertThrows(StoreLockedException.class, () -> DirectoryLock.acquire(store));
      }
      StorageIOException w =
          assertThrows(StorageIOException.class, () -> DirectoryLock.acquire(store));
      assertTrue(w.getMessage().contains(DirectoryLock.FILE_NAME), w.getMessage());
      assertFalse(Files.exists(store.resolve(DirectoryLock.FILE_NAME)));
    }
  }

  @Test
  void aReaderKeptOutByAWriterInAnotherProcessIsToldItsPid() throws Exception {
    Path source = dir.resolve("holder").resolve("LockHolder.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        """
        import java.nio.ByteBuffer;
        import java.nio.channels.FileChannel;
        import java.nio.charset.StandardCharsets;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;

        public class LockHolder {
          public static void main(String[] args) throws Exception {
            try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
              if (c.tryLock() == null) {
                System.out.println("busy");
                return;
              }
              String pid = "pid " + ProcessHandle.current().pid() + "\\n";
              c.write(ByteBuffer.wrap(pid.getBytes(StandardCharsets.US_ASCII)), 0);
              System.out.println("locked");
              System.out.flush();
              System.in.read(); // hold the lock until the parent closes our input
            }
          }
        }
        """);
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(
                List.of(java, source.toString(), dir.resolve(DirectoryLock.FILE_NAME).toString()))
            .redirectErrorStream(true)
            .start();
    try {
      var out =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      StoreLockedException e =
          assertThrows(StoreLockedException.class, () -> DirectoryLock.acquireShared(dir));
      assertTrue(e.getMessage().contains("process " + p.pid()), e.getMessage());
      StoreLockedException w =
          assertThrows(StoreLockedException.class, () -> DirectoryLock.acquire(dir));
      assertTrue(w.getMessage().contains("process " + p.pid()), w.getMessage());
    } finally {
      p.getOutputStream().close();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "lock holder did not finish");
    }
    try (DirectoryLock r = DirectoryLock.acquireShared(dir)) {
      assertTrue(r.isHeld());
    }
  }

  /** A one-file program run by the JDK's source launcher: tries the lock, prints busy or free. */
  private Path writeProbe() throws IOException {
    Path source = dir.resolve("probe").resolve("LockProbe.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        """
        import java.nio.channels.FileChannel;
        import java.nio.channels.FileLock;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;

        public class LockProbe {
          public static void main(String[] args) throws Exception {
            try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
              FileLock lock = c.tryLock();
              System.out.print(lock == null ? "busy" : "free");
            }
          }
        }
        """);
    return source;
  }

  private static String runProbe(Path source, Path lockFile) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(List.of(java, source.toString(), lockFile.toString()))
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "lock probe did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
