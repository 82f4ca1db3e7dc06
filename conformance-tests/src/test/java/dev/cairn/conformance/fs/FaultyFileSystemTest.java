package dev.cairn.conformance.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
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

  /**
   * The same writes to several files, cut on two file systems: each seed keeps the same state on
   * both, so a replayed crash seed restores the state it restored before.
   */
  @Test
  public void aSeedChoosesTheSameStateOnEveryRunOfTheSameWrites() throws IOException {
    List<java.util.Map<String, byte[]>> images = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (FaultyFileSystem other = FaultyFileSystem.createTemp()) {
        Path r = other.root();
        List<FileChannel> channels = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          Path f = r.resolve("f" + i);
          Files.write(f, new byte[0]);
          channels.add(open(f, StandardOpenOption.WRITE));
        }
        syncDir(r);
        for (int w = 0; w < 3; w++) {
          for (FileChannel ch : channels) {
            write(ch, "write " + w + ";");
          }
        }
        PowerCut c = other.powerCut();
        for (FileChannel ch : channels) {
          ch.close();
        }
        java.util.Map<String, byte[]> byFileAndSeed = new java.util.TreeMap<>();
        for (long seed = 0; seed < 30; seed++) {
          DiskImage image = c.image(c.choose(CrashMode.PREFIX, seed));
          for (int i = 0; i < 6; i++) {
            byFileAndSeed.put(seed + "/f" + i, image.files().get("f" + i));
          }
        }
        images.add(byFileAndSeed);
      }
    }
    for (String k : images.get(0).keySet()) {
      assertArrayEquals(images.get(0).get(k), images.get(1).get(k), "seed/file " + k);
    }
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

  @Test
  public void aDirectoryRenameIsDurableOnceItsParentIsForced() throws IOException {
    Path tmp = root.resolve("checkpoint.tmp");
    Files.createDirectory(tmp);
    Path f = tmp.resolve("LOG");
    try (FileChannel ch = open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(ch, "copy");
      ch.force(true);
    }
    syncDir(tmp);
    syncDir(root);
    Files.move(tmp, root.resolve("checkpoint"), StandardCopyOption.ATOMIC_MOVE);
    PowerCut c = fs.powerCut();
    DiskImage lost = c.image(c.choose(CrashMode.DURABLE_ONLY, 1));
    assertArrayEquals(bytes("copy"), lost.files().get("checkpoint.tmp/LOG"), "rename not durable");
    c.restore(c.choose(CrashMode.PROCESS, 1));
    assertTrue(Files.exists(root.resolve("checkpoint/LOG")));
    syncDir(root);
    DiskImage kept = cut(CrashMode.DURABLE_ONLY);
    assertArrayEquals(bytes("copy"), kept.files().get("checkpoint/LOG"));
    assertFalse(kept.directories().contains("checkpoint.tmp"));
  }

  @Test
  public void aHardLinkIsANewNameForTheSameData() throws IOException {
    Path a = root.resolve("a");
    Files.write(a, bytes("shared"));
    try (FileChannel ch = open(a, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.createLink(root.resolve("b"), a);
    syncDir(root);
    DiskImage after = cut(CrashMode.DURABLE_ONLY);
    assertArrayEquals(bytes("shared"), after.files().get("a"));
    assertArrayEquals(bytes("shared"), after.files().get("b"));
  }

  @Test
  public void aTruncationIsPendingUntilForced() throws IOException {
    Path f = root.resolve("f");
    try (FileChannel ch = open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      write(ch, "0123456789");
      ch.force(true);
      syncDir(root);
      ch.truncate(4);
      assertEquals(4, ch.size());
    }
    PowerCut c = fs.powerCut();
    assertEquals(10, c.image(c.choose(CrashMode.DURABLE_ONLY, 1)).files().get("f").length);
    assertEquals(4, c.image(c.choose(CrashMode.PROCESS, 1)).files().get("f").length);
  }

  // ---- read-only mappings: real mappings of the real files ----

  /** A file of {@code n} bytes, each its offset modulo 251, forced and named in a forced root. */
  private Path patterned(String name, int n) throws IOException {
    Path f = root.resolve(name);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 251);
    }
    try (FileChannel ch = open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(b));
      ch.force(true);
    }
    syncDir(root);
    return f;
  }

  private static byte at(MemorySegment m, long offset) {
    return m.get(ValueLayout.JAVA_BYTE, offset);
  }

  @Test
  public void aReadOnlyMappingShowsEveryWriteMadeBeforeOrAfterIt() throws IOException {
    Path f = patterned("f", 8192);
    try (FileChannel writer = open(f, StandardOpenOption.WRITE);
        FileChannel reader = open(f, StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      writer.write(ByteBuffer.wrap(bytes("unsynced")), 100);
      MemorySegment m = reader.map(FileChannel.MapMode.READ_ONLY, 0, 8192, arena);
      MappedByteBuffer buffer = reader.map(FileChannel.MapMode.READ_ONLY, 4096, 4096);
      assertEquals(8192, m.byteSize());
      assertEquals((byte) 7, at(m, 7));
      assertEquals((byte) 'u', at(m, 100), "a write not yet forced is what a reader sees");
      writer.write(ByteBuffer.wrap(bytes("later")), 5000);
      assertEquals((byte) 'l', at(m, 5000), "a write after the mapping shows through it");
      assertEquals((byte) 'a', buffer.get(5001 - 4096), "in the buffer form too");
      assertEquals(2, fs.mappings());
      assertEquals(List.of(), fs.untrackedChanges());
    }
    fs.assertNoOpenHandles();
  }

  @Test
  public void aMappedPagePastATruncatedEndFaultsAsOnLinux() throws IOException {
    int size = 1 << 20; // past any page size
    Path f = patterned("f", size);
    try (FileChannel writer = open(f, StandardOpenOption.WRITE);
        FileChannel reader = open(f, StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      MemorySegment m = reader.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      assertEquals((byte) ((size - 1) % 251), at(m, size - 1));
      writer.truncate(10);
      assertEquals((byte) 5, at(m, 5), "bytes below the new end stay");
      assertEquals((byte) 0, at(m, 11), "the rest of the end's page reads as zeros");
      InternalError e = assertThrows(InternalError.class, () -> at(m, size - 1));
      assertTrue(
          e.getMessage().contains("unsafe memory access"),
          () -> "SIGBUS, as the JVM reports it: " + e.getMessage());
      byte[] copy = new byte[16];
      assertThrows(
          InternalError.class,
          () -> MemorySegment.copy(m, ValueLayout.JAVA_BYTE, size - 16, copy, 0, 16),
          "a bulk copy faults too");
    }
    PowerCut c = fs.powerCut();
    assertEquals(size, c.image(c.choose(CrashMode.DURABLE_ONLY, 1)).files().get("f").length);
    assertEquals(10, c.image(c.choose(CrashMode.PROCESS, 1)).files().get("f").length);
  }

  @Test
  public void aPowerCutLeavesOldMappingsOnTheLostFilesAndNewOnesSeeWhatSurvived()
      throws IOException {
    Path f = patterned("f", 8192);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment old;
      try (FileChannel writer = open(f, StandardOpenOption.WRITE);
          FileChannel reader = open(f, StandardOpenOption.READ)) {
        writer.write(ByteBuffer.wrap(bytes("lost")), 8192);
        old = reader.map(FileChannel.MapMode.READ_ONLY, 0, 8196, arena);
        assertEquals((byte) 'l', at(old, 8192));
        DiskImage after = cut(CrashMode.DURABLE_ONLY);
        assertEquals(8192, after.files().get("f").length);
        assertThrows(
            IOException.class,
            () -> reader.map(FileChannel.MapMode.READ_ONLY, 0, 8192, arena),
            "a channel of the crashed process maps nothing");
      }
      assertEquals(
          (byte) 'l', at(old, 8192), "the crashed process's mapping keeps the unlinked file");
      try (FileChannel reader = open(f, StandardOpenOption.READ)) {
        assertThrows(
            IOException.class,
            () -> reader.map(FileChannel.MapMode.READ_ONLY, 0, 8196, arena),
            "the lost bytes are not there to map");
        MemorySegment fresh = reader.map(FileChannel.MapMode.READ_ONLY, 0, 8192, arena);
        assertEquals((byte) (8191 % 251), at(fresh, 8191));
      }
    }
    fs.assertNoOpenHandles();
  }

  @Test
  public void aMappingPastTheEndOfAWritableChannelGrowsTheFileInTheModel() throws IOException {
    Path f = patterned("f", 100);
    try (FileChannel ch = open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Arena arena = Arena.ofConfined()) {
      MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096, arena);
      assertEquals(4096, ch.size());
      assertEquals((byte) 0, at(m, 4000));
      assertEquals(List.of(), fs.untrackedChanges(), "the model knows the new length");
    }
    try (FileChannel ch = open(f, StandardOpenOption.READ);
        Arena arena = Arena.ofConfined()) {
      assertThrows(
          IOException.class,
          () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 8192, arena),
          "a read-only channel cannot grow the file");
    }
    DiskImage after = cut(CrashMode.DURABLE_ONLY);
    assertEquals(100, after.files().get("f").length, "the growth was never forced");
  }

  @Test
  public void writableMappingsAreRefusedAndMapsFailOnDemand() throws IOException {
    Path f = patterned("f", 4096);
    try (FileChannel ch = open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Arena arena = Arena.ofConfined()) {
      for (FileChannel.MapMode mode :
          List.of(FileChannel.MapMode.READ_WRITE, FileChannel.MapMode.PRIVATE)) {
        UnsupportedOperationException e =
            assertThrows(UnsupportedOperationException.class, () -> ch.map(mode, 0, 4096, arena));
        assertTrue(e.getMessage().contains(mode.toString()), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> ch.map(mode, 0, 4096));
      }
      fs.faults().failNth(Faults.Op.MAP, 1);
      assertThrows(IOException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096, arena));
      assertNotNull(ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096, arena));
      assertEquals(1, fs.mappings());
      assertEquals(1, fs.statistics().mappings());
      fs.faults().failAlways(Faults.Op.MAP, p -> true);
      assertThrows(IOException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 4096));
      assertEquals(1, ch.read(ByteBuffer.allocate(1), 0), "a file system that cannot map reads");
    }
  }
}
