package dev.cairn.conformance.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the fault-injecting file system keeps and loses, and the faults it injects. */
public class FaultyFileSystemTest {

  /** Creates the test. */
  public FaultyFileSystemTest() {}

  private FaultyFileSystem fs;
  private Path root;

  @BeforeEach
  public void setUp() {
    fs = FaultyFileSystem.createTemp();
    root = fs.root();
  }

  @AfterEach
  public void tearDown() throws IOException {
    fs.close();
    assertFalse(Files.exists(fs.realRoot()), "a temporary file system deletes its directory");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static FileChannel open(Path p, StandardOpenOption... options) throws IOException {
    return FileChannel.open(p, options);
  }

  private static void syncDir(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void write(FileChannel ch, String s) throws IOException {
    ch.write(ByteBuffer.wrap(bytes(s)));
  }

  private DiskImage cut(CrashMode mode) {
    PowerCut c = fs.powerCut();
    return c.restore(c.choose(mode, 1));
  }

  @Test
  public void pathsBelongToTheFaultyFileSystemAndFilesApiWorksOnThem() throws IOException {
    Path dir = root.resolve("a/b");
    Files.createDirectories(dir);
    Path f = dir.resolve("x.txt");
    Files.write(f, bytes("hello"));
    assertSame(fs, f.getFileSystem());
    assertArrayEquals(bytes("hello"), Files.readAllBytes(f));
    assertEquals(5, Files.size(f));
    Files.copy(f, dir.resolve("y.txt"));
    Files.move(dir.resolve("y.txt"), dir.resolve("z.txt"), StandardCopyOption.ATOMIC_MOVE);
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(
          Set.of("x.txt", "z.txt"), new HashSet<>(s.map(p -> p.getFileName().toString()).toList()));
    }
    Files.delete(dir.resolve("z.txt"));
    assertFalse(Files.exists(dir.resolve("z.txt")));
    assertTrue(Files.isDirectory(dir));
    assertEquals(root.resolve("a"), dir.getParent());
    assertTrue(f.startsWith(root));
    assertThrows(UnsupportedOperationException.class, f::toFile);
    fs.assertNoOpenHandles();
  }

  @Test
  public void aPowerCutLosesUnsyncedWritesAndKeepsForcedOnes() throws IOException {
    Path f = root.resolve("f");
    try (FileChannel ch = open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      write(ch, "durable");
      ch.force(false);
      write(ch, "-lost");
    }
    syncDir(root);
    DiskImage after = cut(CrashMode.DURABLE_ONLY);
    assertArrayEquals(bytes("durable"), after.files().get("f"));
    assertArrayEquals(bytes("durable"), Files.readAllBytes(f));
  }

  @Test
  public void aProcessCrashKeepsWhatTheOperatingSystemHad() throws IOException {
    Path f = root.resolve("f");
    Files.write(f, bytes("buffered"));
    DiskImage after = cut(CrashMode.PROCESS);
    assertArrayEquals(bytes("buffered"), after.files().get("f"));
  }

  @Test
  public void aNewFileNeedsItsDirectoryForced() throws IOException {
    Path f = root.resolve("new");
    try (FileChannel ch = open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(ch, "data");
      ch.force(true);
    }
    assertFalse(cut(CrashMode.DURABLE_ONLY).files().containsKey("new"), "entry not durable");
    assertFalse(Files.exists(f));

    try (FileChannel ch = open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(ch, "data");
    }
    syncDir(root);
    assertArrayEquals(
        new byte[0],
        cut(CrashMode.DURABLE_ONLY).files().get("new"),
        "entry durable, data not: an empty file, as LevelDB #333 met");
  }

  @Test
  public void aRenameNeedsItsDirectoryForced() throws IOException {
    Path a = root.resolve("CURRENT");
    Path tmp = root.resolve("CURRENT.tmp");
    Files.write(a, bytes("old"));
    try (FileChannel ch = open(a, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    syncDir(root);
    Files.write(tmp, bytes("new"));
    try (FileChannel ch = open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, a, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    PowerCut c = fs.powerCut();
    DiskImage lost = c.image(c.choose(CrashMode.DURABLE_ONLY, 1));
    assertArrayEquals(bytes("old"), lost.files().get("CURRENT"));
    assertFalse(lost.files().containsKey("CURRENT.tmp"));
    Set<String> outcomes = new HashSet<>();
    for (CrashChoice choice : c.enumerate(10, 1)) {
      outcomes.add(new String(c.image(choice).files().get("CURRENT"), StandardCharsets.UTF_8));
    }
    assertEquals(Set.of("old", "new"), outcomes, "a rename is atomic: old or new, never a mix");
    c.restore(c.choose(CrashMode.PROCESS, 1));

    Files.write(tmp, bytes("newer"));
    try (FileChannel ch = open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, a, StandardCopyOption.REPLACE_EXISTING);
    syncDir(root);
    assertArrayEquals(bytes("newer"), cut(CrashMode.DURABLE_ONLY).files().get("CURRENT"));
  }

  @Test
  public void aDeleteNeedsItsDirectoryForced() throws IOException {
    Path f = root.resolve("f");
    Files.write(f, bytes("x"));
    try (FileChannel ch = open(f, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    syncDir(root);
    Files.delete(f);
    assertTrue(cut(CrashMode.DURABLE_ONLY).files().containsKey("f"), "the delete was lost");
    Files.delete(f);
    syncDir(root);
    assertFalse(cut(CrashMode.DURABLE_ONLY).files().containsKey("f"));
  }

  @Test
  public void aNewDirectoryNeedsItsParentForced() throws IOException {
    Path d = root.resolve("store");
    Files.createDirectory(d);
    Files.write(d.resolve("f"), bytes("x"));
    syncDir(d);
    DiskImage lost = cut(CrashMode.DURABLE_ONLY);
    assertFalse(lost.directories().contains("store"));
    assertTrue(lost.files().isEmpty(), "files in a lost directory are lost with it");
  }

  @Test
  public void exhaustiveEnumerationCoversEverySubsetOfPendingWrites() throws IOException {
    Path f = root.resolve("f");
    Files.write(f, new byte[0]);
    try (FileChannel ch = open(f, StandardOpenOption.WRITE)) {
      ch.force(true);
      syncDir(root);
      ch.write(ByteBuffer.wrap(bytes("aa")), 0);
      ch.write(ByteBuffer.wrap(bytes("bb")), 2);
      ch.write(ByteBuffer.wrap(bytes("cc")), 4);
    }
    PowerCut c = fs.powerCut();
    assertEquals(3, c.pendingOperations());
    List<CrashChoice> all = c.enumerate(10, 7);
    assertEquals(8, all.size());
    Set<String> contents = new HashSet<>();
    for (CrashChoice choice : all) {
      contents.add(Arrays.toString(c.image(choice).files().get("f")));
    }
    assertEquals(8, contents.size(), "each subset leaves a different file");
    assertTrue(contents.contains(Arrays.toString(new byte[] {0, 0, 0, 0, 'c', 'c'})), "a hole");
  }

  @Test
  public void writesTearAtSectorBoundaries() throws IOException {
    Path f = root.resolve("f");
    Files.write(f, new byte[0]);
    try (FileChannel ch = open(f, StandardOpenOption.WRITE)) {
      ch.force(true);
      syncDir(root);
      byte[] big = new byte[3 * 4096];
      Arrays.fill(big, (byte) 7);
      ch.write(ByteBuffer.wrap(big), 0);
    }
    PowerCut c = fs.powerCut();
    Set<Integer> lengths = new HashSet<>();
    for (long seed = 0; seed < 200; seed++) {
      byte[] b = c.image(c.choose(CrashMode.PREFIX, seed)).files().get("f");
      assertEquals(0, b.length % 512, "a torn write keeps whole sectors");
      lengths.add(b.length);
    }
    assertTrue(lengths.size() > 3, "several tear points: " + lengths);
    assertTrue(lengths.contains(0) && lengths.contains(3 * 4096), "none and all: " + lengths);
  }

  @Test
  public void channelsDieWithThePower() throws IOException {
    Path f = root.resolve("f");
    FileChannel ch = open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.tryLock();
    assertNotNull(lock);
    PowerCut c = fs.powerCut();
    c.restore(c.choose(CrashMode.PROCESS, 1));
    IOException e = assertThrows(IOException.class, () -> write(ch, "x"));
    assertTrue(e.getMessage().contains("power cut"), e.getMessage());
    ch.close();
    fs.assertNoOpenHandles();
    try (FileChannel again = open(f, StandardOpenOption.WRITE)) {
      assertNotNull(again.tryLock(), "the dead channel's lock was released");
    }
  }

  @Test
  public void aLeakedChannelFailsWithWhereItWasOpened() throws IOException {
    FileChannel leaked =
        open(root.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    AssertionError e = assertThrows(AssertionError.class, fs::assertNoOpenHandles);
    assertTrue(e.getMessage().contains("1 file handle"), e.getMessage());
    assertTrue(
        Arrays.stream(e.getCause().getStackTrace())
            .anyMatch(s -> s.getMethodName().equals("aLeakedChannelFailsWithWhereItWasOpened")),
        "the cause's stack shows the opening call");
    leaked.close();
    fs.assertNoOpenHandles();
  }

  @Test
  public void theHandleLimitRefusesMoreOpens() throws IOException {
    fs.handleLimit(1);
    try (FileChannel one =
        open(root.resolve("a"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileSystemException e =
          assertThrows(
              FileSystemException.class,
              () -> open(root.resolve("b"), StandardOpenOption.CREATE, StandardOpenOption.WRITE));
      assertTrue(e.getMessage().contains("Too many open files"), e.getMessage());
      assertTrue(one.isOpen());
    }
  }

  @Test
  public void theNthWriteFailsOnce() throws IOException {
    fs.faults().failNth(Faults.Op.WRITE, 2);
    try (FileChannel ch =
        open(root.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      write(ch, "one");
      IOException e = assertThrows(IOException.class, () -> write(ch, "two"));
      assertTrue(e.getMessage().contains("injected"), e.getMessage());
      write(ch, "three");
    }
    assertArrayEquals(bytes("onethree"), Files.readAllBytes(root.resolve("f")));
    assertEquals(1, fs.statistics().faultsInjected());
    assertEquals(3, fs.statistics().writes());
  }

  @Test
  public void failuresCanTargetPathsAndOperations() throws IOException {
    fs.faults().failAlways(Faults.Op.RENAME, p -> p.getFileName().toString().endsWith(".tmp"));
    fs.faults().failNth(Faults.Op.CREATE, 1, p -> p.getFileName().toString().equals("no"));
    Files.write(root.resolve("a.tmp"), bytes("x"));
    assertThrows(IOException.class, () -> Files.move(root.resolve("a.tmp"), root.resolve("a")));
    assertThrows(IOException.class, () -> Files.write(root.resolve("no"), bytes("x")));
    assertFalse(Files.exists(root.resolve("no")));
    Files.write(root.resolve("no"), bytes("x"));
    assertTrue(Files.exists(root.resolve("no")), "n-th rules fire once");
  }

  @Test
  public void aFullDiskRefusesWrites() throws IOException {
    fs.faults().diskSpace(10);
    try (FileChannel ch =
        open(root.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      write(ch, "12345678");
      FileSystemException e = assertThrows(FileSystemException.class, () -> write(ch, "abc"));
      assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }
  }

  @Test
  public void aFailedForceDropsTheUnsyncedWritesForGood() throws IOException {
    Path f = root.resolve("f");
    Files.write(f, new byte[0]);
    try (FileChannel ch = open(f, StandardOpenOption.WRITE)) {
      ch.force(true);
      syncDir(root);
      write(ch, "lost");
      fs.faults().failNth(Faults.Op.FORCE, 1);
      assertThrows(IOException.class, () -> ch.force(false));
      ch.force(false); // "succeeds", as Linux's does after a write-back error
    }
    assertArrayEquals(bytes("lost"), Files.readAllBytes(f), "a reader still sees the data");
    assertArrayEquals(new byte[0], cut(CrashMode.DURABLE_ONLY).files().get("f"));
  }

  @Test
  public void thePowerGoesAfterNMutations() throws IOException {
    fs.faults().powerLossAfterMutations(2);
    try (FileChannel ch =
        open(root.resolve("f"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      write(ch, "a");
      IOException e = assertThrows(IOException.class, () -> write(ch, "b"));
      assertTrue(e.getMessage().contains("power loss"), e.getMessage());
      assertTrue(fs.faults().poweredOff());
      assertThrows(IOException.class, () -> write(ch, "c"));
    }
    assertEquals(2, fs.faults().mutations(), "the create and one write happened");
    assertArrayEquals(bytes("a"), cut(CrashMode.PROCESS).files().get("f"));
  }
}
