package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.assertConsistent;
import static dev.cairn.engine.memory.TestStores.bytes;
import static dev.cairn.engine.memory.TestStores.keys;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEngineTest {

  @Test
  void providerDescribesTheEngine() {
    MemoryEngineProvider p = new MemoryEngineProvider();
    assertEquals("memory", p.name());
    assertTrue(StorageEngineProvider.isValidName(p.name()));
    assertEquals("0.1.0", p.version());
    assertEquals(SpiVersion.CURRENT, p.spiVersion());
    assertEquals(
        EnumSet.of(
            Capability.ORDERED_SCANS,
            Capability.SNAPSHOTS,
            Capability.ATOMIC_BATCHES,
            Capability.ANY_FILE_SYSTEM,
            Capability.KEYSPACES,
            Capability.CONDITIONAL_WRITES,
            Capability.RANGE_DELETES),
        p.capabilities());
    assertTrue(p.settings().isEmpty());
    assertThrows(
        UnsupportedOperationException.class, () -> p.capabilities().add(Capability.DURABLE));
  }

  @Test
  void providerIsRegisteredForModulesAndClassPath() throws IOException {
    Module module = MemoryEngineProvider.class.getModule();
    if (module.isNamed()) {
      ModuleDescriptor.Provides provides =
          module.getDescriptor().provides().stream()
              .filter(x -> x.service().equals(StorageEngineProvider.class.getName()))
              .findFirst()
              .orElseThrow();
      assertEquals(List.of(MemoryEngineProvider.class.getName()), provides.providers());
    }
    try (InputStream in =
        MemoryEngineProvider.class.getResourceAsStream(
            "/META-INF/services/" + StorageEngineProvider.class.getName())) {
      assertNotNull(in, "service file for the class path");
      assertEquals(
          MemoryEngineProvider.class.getName(),
          new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }

  @Test
  void unknownSettingsAreRejected() {
    EngineOptions options = EngineOptions.builder().setting("cache.size", "1m").build();
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class, () -> new MemoryEngineProvider().open(options));
    assertTrue(e.getMessage().contains("cache.size"), e.getMessage());
    assertThrows(InvalidArgumentException.class, () -> new MemoryEngineProvider().open(null));
  }

  @Test
  void putGetDeleteAndOverwrite() {
    try (StorageEngine e = TestStores.open()) {
      assertNull(e.get(utf8("a")));
      e.put(utf8("a"), utf8("1"));
      e.put(utf8("b"), utf8("2"), Durability.BUFFERED);
      assertEquals("1", str(e.get(utf8("a"))));
      e.put(utf8("a"), utf8("one"));
      assertEquals("one", str(e.get(utf8("a"))));
      e.delete(utf8("a"));
      assertNull(e.get(utf8("a")));
      e.delete(utf8("never-there"));
      assertNull(e.get(utf8("never-there")));
      assertEquals("2", str(e.get(utf8("b"))));
      assertEquals(1, e.statistics().approximateKeys());
      assertConsistent(e);
    }
  }

  @Test
  void emptyKeyAndEmptyValueAreValidAndDistinctFromAbsence() {
    try (StorageEngine e = TestStores.open()) {
      e.put(new byte[0], new byte[0]);
      assertArrayEquals(new byte[0], e.get(new byte[0]));
      e.put(utf8("k"), new byte[0]);
      assertArrayEquals(new byte[0], e.get(utf8("k")));
      try (Cursor c = e.cursor()) {
        assertTrue(c.next());
        assertArrayEquals(new byte[0], c.key(), "the empty key orders first");
      }
    }
  }

  @Test
  void arraysAreCopiedInAndOut() {
    try (StorageEngine e = TestStores.open()) {
      byte[] key = utf8("k");
      byte[] value = utf8("v");
      e.put(key, value);
      key[0] = 'x';
      value[0] = 'x';
      assertEquals("v", str(e.get(utf8("k"))));
      byte[] out = e.get(utf8("k"));
      out[0] = 'z';
      assertEquals("v", str(e.get(utf8("k"))));
      WriteBatch batch = new WriteBatch().put(utf8("b"), utf8("1"));
      e.write(batch);
      ((WriteBatch.Put) batch.operations().get(0)).value()[0] = '9';
      assertEquals("1", str(e.get(utf8("b"))));
    }
  }

  @Test
  void keysOrderUnsignedWithPrefixesFirst() {
    try (StorageEngine e = TestStores.open()) {
      List<byte[]> expected =
          List.of(
              bytes(),
              bytes(0x00),
              bytes(0x00, 0x00),
              bytes(0x00, 0xFF),
              bytes(0x01),
              bytes(0x7F),
              bytes(0x7F, 0x00),
              bytes(0x80),
              bytes(0x80, 0x00),
              bytes(0xFE, 0xFF),
              bytes(0xFF),
              bytes(0xFF, 0x00),
              bytes(0xFF, 0xFF));
      List<byte[]> shuffled = new ArrayList<>(expected);
      java.util.Collections.shuffle(shuffled, new java.util.Random(42));
      for (byte[] k : shuffled) {
        e.put(k, k);
      }
      List<byte[]> forward = new ArrayList<>();
      try (Cursor c = e.cursor()) {
        while (c.next()) {
          forward.add(c.key());
          assertArrayEquals(c.key(), c.value());
        }
      }
      assertEquals(expected.size(), forward.size());
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), forward.get(i), "position " + i);
      }
      List<byte[]> reverse = new ArrayList<>();
      try (Cursor c = e.cursor(KeyRange.all(), Direction.REVERSE)) {
        while (c.next()) {
          reverse.add(c.key());
        }
      }
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(expected.size() - 1 - i), reverse.get(i));
      }
    }
  }

  @Test
  void batchAppliesInOrderWithTheLastOperationOnAKeyWinning() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("gone"), utf8("x"));
      WriteBatch batch =
          new WriteBatch()
              .put(utf8("a"), utf8("1"))
              .put(utf8("a"), utf8("2"))
              .put(utf8("b"), utf8("1"))
              .delete(utf8("b"))
              .delete(utf8("c"))
              .put(utf8("c"), utf8("3"))
              .delete(utf8("gone"));
      e.write(batch, Durability.SYNC);
      assertEquals("2", str(e.get(utf8("a"))));
      assertNull(e.get(utf8("b")));
      assertEquals("3", str(e.get(utf8("c"))));
      assertNull(e.get(utf8("gone")));
      long seq = TestStores.detail(e, "sequence");
      e.write(new WriteBatch());
      assertEquals(seq, TestStores.detail(e, "sequence"), "an empty batch is a no-op");
      e.write(batch); // a batch may be written again
      assertEquals("2", str(e.get(utf8("a"))));
      assertConsistent(e);
    }
  }

  @Test
  void invalidArgumentsAreRejectedAndChangeNothing() {
    try (StorageEngine e = TestStores.open()) {
      assertThrows(InvalidArgumentException.class, () -> e.get(null));
      assertThrows(InvalidArgumentException.class, () -> e.put(null, utf8("v")));
      assertThrows(InvalidArgumentException.class, () -> e.put(utf8("k"), null));
      assertThrows(InvalidArgumentException.class, () -> e.put(utf8("k"), utf8("v"), null));
      assertThrows(InvalidArgumentException.class, () -> e.delete(null));
      assertThrows(InvalidArgumentException.class, () -> e.write(null));
      assertThrows(InvalidArgumentException.class, () -> e.write(new WriteBatch(), null));
      assertThrows(
          InvalidArgumentException.class, () -> e.put(new byte[Limits.MAX_KEY_SIZE + 1], utf8("")));
      assertThrows(InvalidArgumentException.class, () -> e.cursor(null, Direction.FORWARD));
      assertThrows(InvalidArgumentException.class, () -> e.cursor(KeyRange.all(), null));
      assertEquals(0, e.statistics().approximateKeys());
      assertEquals(0, TestStores.detail(e, "sequence"));
      assertEquals(0, TestStores.detail(e, "pins"), "a refused cursor holds no pin");
    }
  }

  @Test
  void largestKeyAndValueAreAccepted() {
    try (StorageEngine e = TestStores.open()) {
      byte[] key = new byte[Limits.MAX_KEY_SIZE];
      Arrays.fill(key, (byte) 0xAB);
      byte[] value = new byte[Limits.MAX_VALUE_SIZE];
      value[value.length - 1] = 7;
      e.put(key, value);
      assertArrayEquals(value, e.get(key));
    }
  }

  @Test
  void readOnlyStoreIsEmptyAndRefusesWrites() {
    StorageEngine e =
        new MemoryEngineProvider().open(EngineOptions.builder().readOnly(true).build());
    try (e) {
      assertNull(e.get(utf8("a")));
      assertThrows(ReadOnlyStoreException.class, () -> e.put(utf8("a"), utf8("1")));
      assertThrows(ReadOnlyStoreException.class, () -> e.delete(utf8("a")));
      assertThrows(
          ReadOnlyStoreException.class, () -> e.write(new WriteBatch().put(utf8("a"), utf8("1"))));
      assertThrows(ReadOnlyStoreException.class, () -> e.write(new WriteBatch()));
      e.flush(); // allowed
      try (Cursor c = e.cursor()) {
        assertFalse(c.next());
      }
      assertEquals(0, e.statistics().approximateKeys());
      assertConsistent(e);
    }
  }

  @Test
  void checkpointIsUnsupported(@TempDir Path dir) {
    try (StorageEngine e = TestStores.open()) {
      UnsupportedCapabilityException ex =
          assertThrows(UnsupportedCapabilityException.class, () -> e.checkpoint(dir.resolve("cp")));
      assertTrue(ex.getMessage().contains("CHECKPOINTS"), ex.getMessage());
    }
  }

  @Test
  void defaultDurabilityIsAsOpened() {
    StorageEngine e =
        new MemoryEngineProvider()
            .open(EngineOptions.builder().defaultDurability(Durability.BUFFERED).build());
    try (e) {
      assertEquals(Durability.BUFFERED, e.defaultDurability());
    }
  }

  @Test
  void statisticsDescribeTheStore() {
    try (StorageEngine e = TestStores.open()) {
      for (int i = 0; i < 10; i++) {
        e.put(utf8("key" + i), new byte[100]);
      }
      e.delete(utf8("key0"));
      EngineStatistics s = e.statistics();
      assertEquals(9, s.approximateKeys());
      assertEquals(0, s.diskBytes());
      assertTrue(s.memoryBytes() >= 9 * 100, "memory estimate " + s.memoryBytes());
      assertEquals(9, s.details().get("versions"));
      assertEquals(9, s.details().get("keys.stored"));
      assertEquals(11, s.details().get("sequence"));
      assertEquals(0, s.details().get(EngineStatistics.SNAPSHOTS_OPEN));
      assertEquals(0, s.details().get(EngineStatistics.SNAPSHOTS_OLDEST_AGE_MS));
      assertEquals(0, s.details().get("cursors.open"));
      assertEquals(1, s.details().get("keyspaces"));
      try (var snap = e.snapshot();
          Cursor c = e.cursor();
          Cursor sc = snap.cursor()) {
        assertEquals(
            2,
            TestStores.detail(e, EngineStatistics.SNAPSHOTS_OPEN),
            "the snapshot and the store cursor, which pins a sequence as a snapshot does");
        assertEquals(2, TestStores.detail(e, "cursors.open"));
        assertEquals(2, TestStores.detail(e, "pins"));
        assertTrue(c.next() && sc.next());
      }
      assertEquals(0, TestStores.detail(e, "cursors.open"));
      assertEquals(0, TestStores.detail(e, "pins"));
      assertEquals(0, TestStores.detail(e, EngineStatistics.SNAPSHOTS_OPEN));
      assertEquals(List.of("key1", "key2"), keysBetween(e, "key1", "key3"));
    }
  }

  private static List<String> keysBetween(StorageEngine e, String from, String to) {
    try (Cursor c = e.cursor(KeyRange.between(utf8(from), utf8(to)), Direction.FORWARD)) {
      return keys(c);
    }
  }
}
