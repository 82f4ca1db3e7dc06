package dev.cairn.engine.toolkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
