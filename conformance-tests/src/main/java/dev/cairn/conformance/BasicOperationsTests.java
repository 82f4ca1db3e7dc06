package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Point reads and writes: get, put, delete, overwrites that change a value's size, arrays copied in
 * and out at every size of {@link Sizes}, flush, statistics, the consistency check.
 */
abstract class BasicOperationsTests extends ConformanceGroup {

  @Test
  void getOfAnAbsentKeyReturnsNull() {
    StorageEngine e = open();
    assertNull(e.get(b("absent")));
  }

  @Test
  void putThenGetReturnsTheValue() {
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    assertArrayEquals(b("v"), e.get(b("k")));
  }

  @Test
  void putReplacesTheValue() {
    StorageEngine e = open();
    e.put(b("k"), b("first"));
    e.put(b("k"), b("second, longer"));
    e.put(b("k"), b("3"));
    assertArrayEquals(b("3"), e.get(b("k")));
  }

  @Test
  void deleteRemovesTheKeyAndOnlyIt() {
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    e.delete(b("a"));
    assertNull(e.get(b("a")));
    assertArrayEquals(b("2"), e.get(b("b")));
  }

  @Test
  void deleteOfAnAbsentKeyIsNotAnError() {
    StorageEngine e = open();
    e.delete(b("never-written"));
    e.put(b("k"), b("v"));
    e.delete(b("k"));
    e.delete(b("k"));
    assertNull(e.get(b("k")));
  }

  @Test
  void putAfterDeleteBringsTheKeyBack() {
    StorageEngine e = open();
    e.put(b("k"), b("old"));
    e.delete(b("k"));
    e.put(b("k"), b("new"));
    assertArrayEquals(b("new"), e.get(b("k")));
  }

  /**
   * The array {@code get} returns belongs to the caller at every size: changing all of it changes
   * neither the store nor the next read (an engine that hands out its own buffer for large values,
   * or a view of a mapped page, fails here).
   */
  @ParameterizedTest(name = "value {0}")
  @MethodSource("dev.cairn.conformance.Sizes#values")
  void getReturnsAFreshArrayAtEverySize(Sizes.Size size) {
    StorageEngine e = open();
    byte[] value = Sizes.bytes(1, size.bytes());
    e.put(b("k"), value);
    byte[] first = e.get(b("k"));
    assertArrayEquals(value, first, size + ": read back wrong");
    Bytes.invert(first);
    byte[] second = e.get(b("k"));
    assertArrayEquals(value, second, size + ": changing a returned array changed the store");
    if (size.bytes() > 0) {
      assertNotSame(first, second, size + ": get returned the same array twice");
    }
  }

  /**
   * The engine copies the caller's key and value at every size: changing every byte of both after
   * {@code put} returns changes nothing stored (an engine that keeps a reference to large arrays to
   * save a copy fails here).
   */
  @ParameterizedTest(name = "value {0}")
  @MethodSource("dev.cairn.conformance.Sizes#values")
  void putCopiesTheCallersArraysAtEverySize(Sizes.Size size) {
    StorageEngine e = open();
    byte[] key = Sizes.bytes(2, Math.clamp(size.bytes(), 1, Limits.MAX_KEY_SIZE));
    byte[] value = Sizes.bytes(3, size.bytes());
    byte[] keyBefore = key.clone();
    byte[] valueBefore = value.clone();
    e.put(key, value);
    Bytes.invert(key);
    Bytes.invert(value);
    assertArrayEquals(
        valueBefore, e.get(keyBefore), size + ": the engine kept the caller's value array");
    assertNull(e.get(key), size + ": the engine kept the caller's key array");
    assertEquals(
        List.of(new Scans.Entry(keyBefore, valueBefore)),
        Scans.all(e),
        size + ": a cursor shows the caller's changes");
  }

  /** A key overwritten with values of other sizes, up and down, reads the latest each time. */
  @Test
  void aValueCanGrowAndShrinkAcrossOverwrites() {
    StorageEngine e = open();
    e.put(b("before"), b("b"));
    e.put(b("m"), b("neighbour"));
    int[] sizes = {
      1, 64 * 1024 + 1, 0, 4097, Sizes.MIB + 3, 1, 4095, 32 * 1024, 0, 65_535, 4096, 2
    };
    for (int i = 0; i < sizes.length; i++) {
      byte[] value = Sizes.bytes(i, sizes[i]);
      e.put(b("k"), value);
      byte[] read = e.get(b("k"));
      assertNotNull(read, "overwrite " + i + " (" + sizes[i] + " bytes) read back as absent");
      assertEquals(sizes[i], read.length, "overwrite " + i + ": wrong length");
      assertArrayEquals(value, read, "overwrite " + i + " (" + sizes[i] + " bytes)");
      assertEquals(
          List.of(
              new Scans.Entry(b("before"), b("b")),
              new Scans.Entry(b("k"), value),
              new Scans.Entry(b("m"), b("neighbour"))),
          Scans.allSorted(e),
          "overwrite " + i + " (" + sizes[i] + " bytes) through a cursor");
    }
    e.delete(b("k"));
    assertNull(e.get(b("k")));
    assertArrayEquals(b("neighbour"), e.get(b("m")));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void writesAtEachDurabilityAreVisible(Durability d) {
    StorageEngine e = open();
    e.put(b("k"), b("v"), d);
    e.put(b("gone"), b("v"), d);
    e.delete(b("gone"), d);
    assertArrayEquals(b("v"), e.get(b("k")));
    assertNull(e.get(b("gone")));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void defaultDurabilityIsTheOneOpenedWith(Durability d) {
    StorageEngine e = stores.open(stores.newDirectory(), o -> o.defaultDurability(d));
    assertEquals(d, e.defaultDurability());
    e.put(b("k"), b("v"));
    assertArrayEquals(b("v"), e.get(b("k")));
  }

  @Test
  void flushKeepsEveryWrite() {
    StorageEngine e = open();
    e.put(b("a"), b("1"), Durability.BUFFERED);
    e.delete(b("b"), Durability.BUFFERED);
    e.flush();
    e.flush();
    assertArrayEquals(b("1"), e.get(b("a")));
  }

  @Test
  void thousandsOfKeysRoundTrip() {
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> model = Scans.model();
    Random r = new Random(42);
    for (int i = 0; i < 3000; i++) {
      byte[] k = b("key-" + r.nextInt(2000));
      byte[] v = Bytes.random(i, r.nextInt(100));
      e.put(k, v);
      model.put(k, v);
      if (i % 7 == 0) {
        byte[] d = b("key-" + r.nextInt(2000));
        e.delete(d);
        model.remove(d);
      }
    }
    for (int i = 0; i < 2000; i++) {
      byte[] k = b("key-" + i);
      assertArrayEquals(model.get(k), e.get(k), "key-" + i);
    }
    assertEquals(
        Scans.expected(model, dev.cairn.spi.KeyRange.all(), dev.cairn.spi.Direction.FORWARD),
        Scans.allSorted(e));
  }

  @Test
  void aFullScanSeesEveryLiveKeyOnce() {
    StorageEngine e = open();
    e.put(b("x"), b("1"));
    e.put(b("y"), b("2"));
    e.put(b("z"), b("3"));
    e.delete(b("y"));
    assertEquals(
        List.of(new Scans.Entry(b("x"), b("1")), new Scans.Entry(b("z"), b("3"))),
        Scans.allSorted(e));
  }

  @Test
  void anEmptyStoreHasNoEntries() {
    StorageEngine e = open();
    assertEquals(List.of(), Scans.all(e));
    assertNull(e.get(new byte[0]));
  }

  @Test
  void statisticsAreWellFormed() {
    StorageEngine e = open();
    for (int i = 0; i < 100; i++) {
      e.put(b("k" + i), b("v"));
    }
    EngineStatistics s = e.statistics();
    assertNotNull(s);
    assertTrue(s.approximateKeys() >= -1, "approximateKeys " + s.approximateKeys());
    assertTrue(s.diskBytes() >= -1, "diskBytes " + s.diskBytes());
    assertTrue(s.memoryBytes() >= -1, "memoryBytes " + s.memoryBytes());
    assertNotNull(s.details());
  }

  @Test
  void consistencyCheckOfAWrittenStoreIsClean() {
    StorageEngine e = open();
    assertTrue(e.checkConsistency().isConsistent(), "fresh store");
    for (int i = 0; i < 500; i++) {
      e.put(b("k" + i), Bytes.random(i, i % 50));
    }
    for (int i = 0; i < 500; i += 3) {
      e.delete(b("k" + i));
    }
    ConsistencyReport r = e.checkConsistency();
    assertTrue(r.isConsistent(), () -> "problems: " + r.problems());
    assertTrue(r.itemsChecked() >= 0, "itemsChecked " + r.itemsChecked());
  }
}
