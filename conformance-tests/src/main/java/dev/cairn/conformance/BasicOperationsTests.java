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
import dev.cairn.spi.StorageEngine;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Point reads and writes: get, put, delete, flush, statistics, the consistency check. */
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

  @Test
  void getReturnsAFreshArrayEachTime() {
    StorageEngine e = open();
    e.put(b("k"), b("value"));
    byte[] first = e.get(b("k"));
    first[0] = 'X';
    byte[] second = e.get(b("k"));
    assertArrayEquals(b("value"), second, "changing a returned array changed the store");
    assertNotSame(first, second);
  }

  @Test
  void putCopiesTheCallersArrays() {
    StorageEngine e = open();
    byte[] key = b("key");
    byte[] value = b("value");
    e.put(key, value);
    key[0] = 'X';
    value[0] = 'X';
    assertArrayEquals(b("value"), e.get(b("key")), "the engine kept the caller's value array");
    assertNull(e.get(b("Xey")), "the engine kept the caller's key array");
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
