package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.conformance.fs.CrashMode;
import dev.cairn.conformance.fs.FaultyFileSystem;
import dev.cairn.conformance.fs.FsStatistics;
import dev.cairn.conformance.fs.PowerCut;
import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An undeclared capability is refused with {@link UnsupportedCapabilityException} and changes
 * nothing; each of those tests runs only when the engine lacks the capability. A declared
 * capability is verified by the group that covers it, except {@link Capability#ANY_FILE_SYSTEM},
 * which no other group exercises on a non-durable engine: it is verified here, on the
 * fault-injecting file system.
 */
abstract class CapabilityTests extends ConformanceGroup {

  @Test
  @Tag("refuses:ATOMIC_BATCHES")
  void withoutAtomicBatchesAWriteIsRefused() {
    requiresLack(Capability.ATOMIC_BATCHES);
    StorageEngine e = open();
    assertThrows(
        UnsupportedCapabilityException.class, () -> e.write(new WriteBatch().put(b("a"), b("1"))));
    assertNull(e.get(b("a")), "a refused batch was applied");
  }

  @Test
  @Tag("refuses:SNAPSHOTS")
  void withoutSnapshotsASnapshotIsRefused() {
    requiresLack(Capability.SNAPSHOTS);
    StorageEngine e = open();
    assertThrows(UnsupportedCapabilityException.class, e::snapshot);
  }

  @Test
  @Tag("refuses:CHECKPOINTS")
  void withoutCheckpointsACheckpointIsRefused() {
    requiresLack(Capability.CHECKPOINTS);
    StorageEngine e = open();
    assertThrows(
        UnsupportedCapabilityException.class, () -> e.checkpoint(temp.resolve("checkpoint")));
  }

  @Test
  @Tag("refuses:ORDERED_SCANS")
  void withoutOrderedScansOnlyAForwardFullScanIsOffered() {
    requiresLack(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.cursor(KeyRange.all(), Direction.REVERSE).close());
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.cursor(KeyRange.atLeast(b("a")), Direction.FORWARD).close());
    try (Cursor c = e.cursor()) {
      assertThrows(UnsupportedCapabilityException.class, () -> c.seek(b("a")));
    }
    assertEquals(
        List.of(new Scans.Entry(b("a"), b("1")), new Scans.Entry(b("b"), b("2"))),
        Scans.allSorted(e));
  }

  @Test
  @Tag("refuses:KEYSPACES")
  void withoutKeyspacesOnlyTheDefaultKeyspaceExists() {
    requiresLack(Capability.KEYSPACES);
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
    assertThrows(UnsupportedCapabilityException.class, () -> e.createKeyspace("other"));
    assertThrows(UnsupportedCapabilityException.class, () -> e.keyspace("other"));
    assertThrows(UnsupportedCapabilityException.class, () -> e.keyspace(Keyspace.DEFAULT));
    assertThrows(UnsupportedCapabilityException.class, () -> e.dropKeyspace("other"));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.write(new WriteBatch().put(b("b"), b("2")).put("other", b("b"), b("2"))));
    assertNull(e.get(b("b")), "a refused batch was applied");
    assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
    assertArrayEquals(b("1"), e.get(b("a")));
  }

  @Test
  @Tag("refuses:CONDITIONAL_WRITES")
  void withoutConditionalWritesAPreconditionIsRefused() {
    requiresLack(Capability.CONDITIONAL_WRITES);
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.write(new WriteBatch().requireValue(b("k"), b("v")).put(b("k"), b("new"))));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.write(new WriteBatch().requireAbsent(b("j")).put(b("j"), b("new"))));
    assertThrows(UnsupportedCapabilityException.class, () -> e.putIfAbsent(b("j"), b("new")));
    assertThrows(UnsupportedCapabilityException.class, () -> e.replace(b("k"), b("v"), b("x")));
    assertThrows(UnsupportedCapabilityException.class, () -> e.deleteIfEquals(b("k"), b("v")));
    assertArrayEquals(b("v"), e.get(b("k")), "a refused conditional write changed the key");
    assertNull(e.get(b("j")), "a refused conditional write stored a key");
  }

  @Test
  @Tag("refuses:RANGE_DELETES")
  void withoutRangeDeletesARangeDeleteIsRefused() {
    requiresLack(Capability.RANGE_DELETES);
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.deleteRange(KeyRange.all(), Durability.BUFFERED));
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> e.write(new WriteBatch().delete(b("b")).deleteRange(KeyRange.atLeast(b("a")))));
    assertEquals(
        List.of(new Scans.Entry(b("a"), b("1")), new Scans.Entry(b("b"), b("2"))),
        Scans.allSorted(e),
        "a refused range delete changed the store");
  }

  /**
   * A store on the fault-injecting file system: a short workload, close, and every file the engine
   * wrote must have gone through the path it was given (none created or written around it, which an
   * engine reaching the default file system does). A durable engine must also have written and
   * forced through it, and keep every {@code SYNC} write across a power cut after the close.
   */
  @Test
  @Tag("capability:ANY_FILE_SYSTEM")
  void anyFileSystemCarriesAllOfTheEnginesFiles() {
    requires(Capability.ANY_FILE_SYSTEM);
    StorageEngineProvider p = provider();
    String engine = "engine '" + p.name() + "' declares ANY_FILE_SYSTEM but ";
    try (FaultyFileSystem fs = FaultyFileSystem.createTemp()) {
      Path dir = fs.root().resolve("store");
      EngineOptions options = EngineOptions.builder().directory(dir).settings(settings()).build();
      Map<String, byte[]> expected = new TreeMap<>();
      try (StorageEngine e = p.open(options)) {
        for (int i = 0; i < 40; i++) {
          byte[] value = new byte[100 + i];
          java.util.Arrays.fill(value, (byte) i);
          e.put(b("fs-" + i), value, Durability.SYNC);
          expected.put("fs-" + i, value);
        }
        for (int i = 0; i < 40; i += 5) {
          e.delete(b("fs-" + i), Durability.SYNC);
          expected.remove("fs-" + i);
        }
        if (declares(Capability.ATOMIC_BATCHES)) {
          e.write(
              new WriteBatch().put(b("fs-b1"), b("1")).put(b("fs-b2"), b("2")), Durability.SYNC);
          expected.put("fs-b1", b("1"));
          expected.put("fs-b2", b("2"));
        }
        e.flush();
        assertContent(e, expected, "before closing");
      }
      fs.assertNoOpenHandles();
      assertEquals(
          List.of(),
          fs.untrackedChanges(),
          engine + "changed files around the file system it was given");
      if (declares(Capability.DURABLE)) {
        FsStatistics st = fs.statistics();
        assertTrue(
            st.writes() > 0 && st.forces() > 0,
            engine + "wrote or forced nothing through the file system it was given: " + st);
        PowerCut cut = fs.powerCut();
        cut.restore(cut.choose(CrashMode.DURABLE_ONLY, 0));
        try (StorageEngine e = p.open(options)) {
          assertContent(e, expected, "after a power cut that kept only what was forced");
          assertTrue(e.checkConsistency().isConsistent(), engine + "is inconsistent after reopen");
        }
        fs.assertNoOpenHandles();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertContent(StorageEngine e, Map<String, byte[]> expected, String when) {
    for (int i = 0; i < 40; i++) {
      String key = "fs-" + i;
      byte[] want = expected.get(key);
      byte[] got = e.get(b(key));
      if (want == null) {
        assertNull(got, key + " was deleted but is present " + when);
      } else {
        assertArrayEquals(
            want,
            got,
            () ->
                key
                    + " "
                    + when
                    + ": "
                    + (got == null ? "missing" : HexFormat.of().formatHex(got)));
      }
    }
    for (String key : List.of("fs-b1", "fs-b2")) {
      if (expected.containsKey(key)) {
        assertArrayEquals(expected.get(key), e.get(b(key)), key + " " + when);
      }
    }
  }
}
