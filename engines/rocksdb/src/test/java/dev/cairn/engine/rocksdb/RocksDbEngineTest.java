package dev.cairn.engine.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.WriteBatch;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;

class RocksDbEngineTest {

  @TempDir Path tmp;

  private final RocksDbProvider provider = new RocksDbProvider();

  private StorageEngine open(Path dir) {
    return provider.open(EngineOptions.builder().directory(dir).build());
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, UTF_8);
  }

  @Test
  void declaredAsAProviderOnTheModuleAndClassPaths() throws Exception {
    // NB: ServiceLoader.load would need `uses` in this module; the descriptor says the same.
    var provides = RocksDbProvider.class.getModule().getDescriptor().provides();
    assertTrue(
        provides.stream()
            .anyMatch(
                p ->
                    p.service().equals(StorageEngineProvider.class.getName())
                        && p.providers().equals(List.of(RocksDbProvider.class.getName()))),
        provides.toString());
    try (var in =
        RocksDbProvider.class
            .getModule()
            .getResourceAsStream("META-INF/services/" + StorageEngineProvider.class.getName())) {
      assertEquals(RocksDbProvider.class.getName(), new String(in.readAllBytes(), UTF_8).trim());
    }
    assertEquals("rocksdb", provider.name());
    assertTrue(StorageEngineProvider.isValidName(provider.name()));
  }

  @Test
  void versionConstantMatchesTheLoadedLibrary() {
    RocksDB.loadLibrary();
    assertEquals(RocksDbProvider.ROCKSDB_VERSION, RocksDB.rocksdbVersion().toString());
  }

  @Test
  void putGetDeleteAndReopen() {
    Path dir = tmp.resolve("db");
    try (StorageEngine e = open(dir)) {
      e.put(b("a"), b("1"), Durability.SYNC);
      e.put(b("b"), b("2"), Durability.BUFFERED);
      e.put(b("c"), b("3"));
      e.delete(b("c"));
      assertEquals("1", s(e.get(b("a"))));
      assertNull(e.get(b("c")));
      e.flush();
    }
    try (StorageEngine e = open(dir)) {
      assertEquals("2", s(e.get(b("b"))));
      assertNull(e.get(b("c")));
    }
  }

  @Test
  void batchAppliesInOrder() {
    try (StorageEngine e = open(tmp.resolve("db"))) {
      e.write(new WriteBatch().put(b("k"), b("1")).put(b("k"), b("2")).put(b("x"), b("9")));
      e.write(new WriteBatch().delete(b("x")), Durability.SYNC);
      e.write(new WriteBatch(), Durability.SYNC);
      assertEquals("2", s(e.get(b("k"))));
      assertNull(e.get(b("x")));
    }
  }

  private static List<String> drain(Cursor c) {
    List<String> out = new ArrayList<>();
    while (c.next()) {
      out.add(s(c.key()) + "=" + s(c.value()));
    }
    return out;
  }

  private static void fill(StorageEngine e, String... keys) {
    for (String k : keys) {
      e.put(b(k), b(k.toUpperCase(java.util.Locale.ROOT)));
    }
  }

  @Test
  void cursorsHonourBoundsInBothDirections() {
    try (StorageEngine e = open(tmp.resolve("db"))) {
      fill(e, "a", "b", "c", "d", "e");
      KeyRange bc =
          new KeyRange(new KeyRange.Bound(b("b"), false), new KeyRange.Bound(b("d"), true));
      try (Cursor c = e.cursor(bc, Direction.FORWARD)) {
        assertEquals(List.of("c=C", "d=D"), drain(c));
        assertFalse(c.next(), "stays exhausted");
      }
      try (Cursor c = e.cursor(bc, Direction.REVERSE)) {
        assertEquals(List.of("d=D", "c=C"), drain(c));
      }
      try (Cursor c = e.cursor(KeyRange.lessThan(b("c")), Direction.REVERSE)) {
        assertEquals(List.of("b=B", "a=A"), drain(c));
      }
      try (Cursor c = e.cursor()) {
        assertEquals(5, drain(c).size());
      }
      KeyRange empty =
          new KeyRange(new KeyRange.Bound(b("c"), true), new KeyRange.Bound(b("c"), false));
      try (Cursor c = e.cursor(empty, Direction.FORWARD)) {
        assertFalse(c.next());
      }
    }
  }

  @Test
  void seekPositionsBeforeTheFirstEntryAtOrBeyondAndClamps() {
    try (StorageEngine e = open(tmp.resolve("db"))) {
      fill(e, "a", "c", "e", "g");
      KeyRange r = KeyRange.between(b("b"), b("g"));
      try (Cursor c = e.cursor(r, Direction.FORWARD)) {
        c.seek(b("d"));
        assertThrows(InvalidStateException.class, c::key, "between entries after seek");
        assertTrue(c.next());
        assertEquals("e", s(c.key()));
        c.seek(b("a")); // before the range: restart
        assertTrue(c.next());
        assertEquals("c", s(c.key()));
        c.seek(b("z")); // beyond it: exhausted
        assertFalse(c.next());
        c.seek(b("c"));
        assertEquals(List.of("c=C", "e=E"), drain(c));
      }
      try (Cursor c = e.cursor(r, Direction.REVERSE)) {
        c.seek(b("d"));
        assertTrue(c.next());
        assertEquals("c", s(c.key()));
        c.seek(b("z")); // before a reverse range: restart from its top
        assertTrue(c.next());
        assertEquals("e", s(c.key()));
        c.seek(b("a")); // beyond it
        assertFalse(c.next());
      }
    }
  }

  @Test
  void viewsDieWhenTheCursorMoves() {
    try (StorageEngine e = open(tmp.resolve("db"))) {
      fill(e, "a", "b");
      ByteView v;
      try (Cursor c = e.cursor()) {
        assertTrue(c.next());
        v = c.valueView();
        assertTrue(v.contentEquals(b("A")));
        assertTrue(c.next());
        assertThrows(ClosedHandleException.class, v::size);
        v = c.keyView();
      }
      assertThrows(ClosedHandleException.class, v::toArray);
    }
  }

  @Test
  void snapshotAndCursorSeeThePastState() {
    try (StorageEngine e = open(tmp.resolve("db"))) {
      fill(e, "a", "b");
      try (Snapshot snap = e.snapshot();
          Cursor live = e.cursor()) {
        e.put(b("a"), b("new"));
        e.put(b("c"), b("C"));
        e.delete(b("b"));
        assertEquals("A", s(snap.get(b("a"))));
        assertEquals("B", s(snap.get(b("b"))));
        assertNull(snap.get(b("c")));
        try (Cursor c = snap.cursor(KeyRange.all(), Direction.REVERSE)) {
          assertEquals(List.of("b=B", "a=A"), drain(c));
        }
        assertEquals(List.of("a=A", "b=B"), drain(live), "a cursor reads as of its opening");
      }
      assertEquals("new", s(e.get(b("a"))));
    }
  }

  @Test
  void closingTheStoreClosesEveryHandleOnce() {
    RocksDbEngine e = (RocksDbEngine) open(tmp.resolve("db"));
    fill(e, "a");
    Cursor c = e.cursor();
    Snapshot s = e.snapshot();
    Cursor sc = s.cursor();
    assertEquals(2, e.openHandles());
    e.close();
    e.close();
    assertTrue(e.isClosed());
    assertEquals(0, e.openHandles());
    assertThrows(ClosedHandleException.class, c::next);
    assertThrows(ClosedHandleException.class, sc::next);
    assertThrows(ClosedHandleException.class, () -> s.get(b("a")));
    assertThrows(ClosedHandleException.class, () -> e.get(b("a")));
    c.close();
    s.close();
    sc.close();
  }

  @Test
  void closingASnapshotClosesItsCursors() {
    try (RocksDbEngine e = (RocksDbEngine) open(tmp.resolve("db"))) {
      fill(e, "a");
      Snapshot s = e.snapshot();
      Cursor c = s.cursor();
      s.close();
      assertThrows(ClosedHandleException.class, c::next);
      assertEquals(0, e.openHandles());
    }
  }

  @Test
  void checkpointOpensWithTheSameData() {
    Path copy = tmp.resolve("copy");
    try (StorageEngine e = open(tmp.resolve("db"))) {
      fill(e, "a", "b");
      e.checkpoint(copy);
      e.put(b("c"), b("C"));
      assertThrows(InvalidArgumentException.class, () -> e.checkpoint(copy));
    }
    try (StorageEngine e = open(copy)) {
      assertEquals("A", s(e.get(b("a"))));
      assertNull(e.get(b("c")));
    }
  }

  @Test
  void secondOpenIsRefusedAsLocked() {
    Path dir = tmp.resolve("db");
    try (StorageEngine e = open(dir)) {
      e.put(b("a"), b("1"));
      StoreLockedException x = assertThrows(StoreLockedException.class, () -> open(dir));
      assertEquals(
          "store at "
              + dir.toAbsolutePath()
              + " is already open in this process (it holds "
              + dir.toAbsolutePath().resolve("LOCK")
              + ")",
          x.getMessage());
      assertTrue(x.getCause() instanceof org.rocksdb.RocksDBException, "RocksDB's own words");
    }
    open(dir).close(); // the lock was released
  }

  /**
   * Another process holds the store's {@code LOCK} (a child JVM takes the same POSIX record lock
   * RocksDB takes): the refusal says so in plain words, not in RocksDB's ("While lock file: ...:
   * Resource temporarily unavailable"), and a read-only open is not kept out.
   */
  @Test
  void anOpenKeptOutByAnotherProcessSaysSo() throws Exception {
    Path dir = tmp.resolve("db");
    try (StorageEngine e = open(dir)) {
      e.put(b("a"), b("1"));
    }
    Path lock = dir.toAbsolutePath().resolve("LOCK");
    Path holder = tmp.resolve("HoldLock.java");
    Files.writeString(
        holder,
        """
        import java.nio.channels.FileChannel;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;

        public class HoldLock {
          public static void main(String[] args) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE);
                var lock = ch.lock()) {
              System.out.println("locked");
              System.out.flush();
              System.in.read(); // until the test closes our stdin
            }
          }
        }
        """);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                holder.toString(),
                lock.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      String ready =
          new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), UTF_8))
              .readLine();
      assertEquals("locked", ready, "the child holds the lock");

      StoreLockedException x = assertThrows(StoreLockedException.class, () -> open(dir));
      assertEquals(
          "store at "
              + dir.toAbsolutePath()
              + " is open for writing in another process (it holds "
              + lock
              + "); a read-only open does not need the lock",
          x.getMessage());
      try (StorageEngine r =
          provider.open(EngineOptions.builder().directory(dir).readOnly(true).build())) {
        assertEquals("1", s(r.get(b("a"))));
      }
    } finally {
      child.getOutputStream().close();
      assertEquals(0, child.waitFor(), "the child exits once released");
    }
    open(dir).close();
  }

  @Test
  void readOnlyRefusesWritesAndMissingStoresAreNotCreated() {
    Path dir = tmp.resolve("db");
    assertThrows(
        StorageIOException.class,
        () -> provider.open(EngineOptions.builder().directory(dir).createIfMissing(false).build()));
    assertFalse(Files.exists(dir));
    try (StorageEngine e = open(dir)) {
      fill(e, "a");
    }
    try (StorageEngine e =
        provider.open(EngineOptions.builder().directory(dir).readOnly(true).build())) {
      assertEquals("A", s(e.get(b("a"))));
      assertThrows(ReadOnlyStoreException.class, () -> e.put(b("x"), b("y")));
      e.flush();
    }
  }

  @Test
  void refusesAForeignDirectoryButAcceptsTheStoreMarker() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("data.bin"), "not rocksdb");
    IncompatibleVersionException x =
        assertThrows(IncompatibleVersionException.class, () -> open(foreign));
    assertTrue(x.getMessage().contains("data.bin"), x.getMessage());

    Path marked = Files.createDirectories(tmp.resolve("marked"));
    Files.writeString(marked.resolve(StoreDirectory.MARKER), "rocksdb\n");
    open(marked).close();
  }

  @Test
  void refusesAnotherFileSystemNamingIt() throws Exception {
    Path zip = tmp.resolve("store.zip");
    try (FileSystem zfs =
        FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of("create", "true"))) {
      InvalidArgumentException x =
          assertThrows(InvalidArgumentException.class, () -> open(zfs.getPath("/db")));
      assertTrue(x.getMessage().contains("jar"), x.getMessage());
    }
  }

  @Test
  void settingsAreCheckedAndUnknownOnesRejected() {
    Path dir = tmp.resolve("db");
    InvalidArgumentException unknown =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                provider.open(
                    EngineOptions.builder().directory(dir).setting("cache", "1m").build()));
    assertTrue(unknown.getMessage().contains("block-cache.size"), unknown.getMessage());
    assertThrows(
        InvalidArgumentException.class,
        () ->
            provider.open(
                EngineOptions.builder().directory(dir).setting("compression", "gzip").build()));
    try (StorageEngine e =
        provider.open(
            EngineOptions.builder()
                .directory(dir)
                .setting("block-cache.size", "8m")
                .setting("write-buffer.size", "1m")
                .setting("compression", "none")
                .setting("bloom.bits-per-key", "0")
                .build())) {
      fill(e, "a");
      assertEquals("A", s(e.get(b("a"))));
    }
  }

  @Test
  void statisticsAndConsistency() {
    try (StorageEngine e = open(tmp.resolve("db"))) {
      for (int i = 0; i < 1000; i++) {
        e.put(b(String.format("k%05d", i)), new byte[100]);
      }
      e.flush();
      EngineStatistics st = e.statistics();
      assertTrue(st.approximateKeys() > 0, st.toString());
      assertTrue(st.diskBytes() > 0, st.toString());
      assertTrue(st.details().containsKey("memtable.bytes"), st.details().toString());
      ConsistencyReport r = e.checkConsistency();
      assertTrue(r.isConsistent(), r.problems().toString());
      assertEquals(1000, r.itemsChecked());
    }
  }

  @Test
  void statisticsCountLevelZeroTablesAndNeverReportAFailedRead() throws Exception {
    Path dir = tmp.resolve("db");
    EngineOptions options = EngineOptions.builder().directory(dir).build();
    try (RocksDbEngine e = RocksDbEngine.open(options, RocksDbSettings.from(options), o -> {})) {
      assertEquals(0L, e.statistics().details().get("level0.files"));
      // fewer tables than RocksDB's level-0 compaction trigger (4), so all of them stay there
      for (int table = 1; table <= 3; table++) {
        for (int i = 0; i < 100; i++) {
          e.put(b("t" + table + "k" + i), new byte[64]);
        }
        assertNull(e.flushMemtableForTest());
        long onDisk;
        try (var files = Files.list(dir)) {
          onDisk = files.filter(f -> f.getFileName().toString().endsWith(".sst")).count();
        }
        assertEquals(table, onDisk);
        Map<String, Long> details = e.statistics().details();
        assertEquals(onDisk, details.get("level0.files"), details.toString());
        details.forEach(
            (name, value) -> assertTrue(value >= 0, name + " = " + value + " in " + details));
      }
    }
  }
}
