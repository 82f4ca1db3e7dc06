package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.keys;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.engine.toolkit.Bytes;
import dev.cairn.spi.ByteView;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MemoryCursorTest {

  private StorageEngine store;

  @BeforeEach
  void fill() {
    store = TestStores.open();
    for (String k : List.of("b", "d", "f", "h")) {
      store.put(utf8(k), utf8(k.toUpperCase(java.util.Locale.ROOT)));
    }
  }

  @AfterEach
  void checkAndClose() {
    TestStores.assertConsistent(store);
    store.close();
  }

  private List<String> scan(KeyRange range, Direction direction) {
    try (Cursor c = store.cursor(range, direction)) {
      return keys(c);
    }
  }

  private static KeyRange.Bound incl(String k) {
    return new KeyRange.Bound(utf8(k), true);
  }

  private static KeyRange.Bound excl(String k) {
    return new KeyRange.Bound(utf8(k), false);
  }

  @Test
  void boundsInclusiveAndExclusive() {
    assertEquals(List.of("b", "d", "f", "h"), scan(KeyRange.all(), Direction.FORWARD));
    assertEquals(List.of("d", "f"), scan(new KeyRange(incl("d"), incl("f")), Direction.FORWARD));
    assertEquals(List.of("f"), scan(new KeyRange(excl("d"), incl("f")), Direction.FORWARD));
    assertEquals(List.of("d"), scan(new KeyRange(incl("d"), excl("f")), Direction.FORWARD));
    assertEquals(List.of(), scan(new KeyRange(excl("d"), excl("f")), Direction.FORWARD));
    assertEquals(List.of("d", "f"), scan(new KeyRange(incl("c"), incl("g")), Direction.FORWARD));
    assertEquals(List.of("f", "h"), scan(KeyRange.atLeast(utf8("e")), Direction.FORWARD));
    assertEquals(List.of("h"), scan(KeyRange.greaterThan(utf8("f")), Direction.FORWARD));
    assertEquals(List.of("b", "d"), scan(KeyRange.lessThan(utf8("f")), Direction.FORWARD));
    assertEquals(List.of("b", "d", "f"), scan(KeyRange.atMost(utf8("f")), Direction.FORWARD));
  }

  @Test
  void reverseVisitsTheSameRangeBackwards() {
    assertEquals(List.of("h", "f", "d", "b"), scan(KeyRange.all(), Direction.REVERSE));
    assertEquals(List.of("f", "d"), scan(new KeyRange(incl("d"), incl("f")), Direction.REVERSE));
    assertEquals(List.of("f"), scan(new KeyRange(excl("d"), incl("f")), Direction.REVERSE));
    assertEquals(List.of("d"), scan(new KeyRange(incl("d"), excl("f")), Direction.REVERSE));
    assertEquals(List.of("d", "b"), scan(KeyRange.lessThan(utf8("f")), Direction.REVERSE));
  }

  @Test
  void emptyRangesYieldNothing() {
    assertEquals(List.of(), scan(new KeyRange(incl("d"), excl("d")), Direction.FORWARD));
    assertEquals(List.of(), scan(new KeyRange(excl("d"), incl("d")), Direction.REVERSE));
    assertEquals(List.of("d"), scan(new KeyRange(incl("d"), incl("d")), Direction.REVERSE));
    assertEquals(List.of(), scan(KeyRange.between(utf8("x"), utf8("z")), Direction.FORWARD));
    assertEquals(List.of(), scan(KeyRange.prefix(utf8("c")), Direction.REVERSE));
    try (StorageEngine empty = TestStores.open();
        Cursor c = empty.cursor()) {
      assertFalse(c.next());
      c.seek(utf8("a"));
      assertFalse(c.next());
    }
  }

  @Test
  void seekForwardWithinBeforeAndBeyondTheRange() {
    try (Cursor c = store.cursor(new KeyRange(incl("c"), excl("h")), Direction.FORWARD)) {
      c.seek(utf8("e")); // between entries
      assertEquals(List.of("f"), keys(c));
      c.seek(utf8("d")); // on an entry
      assertEquals(List.of("d", "f"), keys(c));
      c.seek(utf8("a")); // before the range: restart
      assertEquals(List.of("d", "f"), keys(c));
      c.seek(utf8("h")); // the exclusive upper bound: beyond
      assertEquals(List.of(), keys(c));
      c.seek(utf8("z"));
      assertFalse(c.next());
      c.seek(utf8("f"));
      assertTrue(c.next());
      assertEquals("F", str(c.value()));
    }
  }

  @Test
  void seekReverseWithinBeforeAndBeyondTheRange() {
    try (Cursor c = store.cursor(new KeyRange(excl("b"), incl("g")), Direction.REVERSE)) {
      c.seek(utf8("e")); // between entries: the first at or before it
      assertEquals(List.of("d"), keys(c));
      c.seek(utf8("f")); // on an entry
      assertEquals(List.of("f", "d"), keys(c));
      c.seek(utf8("z")); // "before" a reverse range is above it: restart
      assertEquals(List.of("f", "d"), keys(c));
      c.seek(utf8("b")); // the exclusive lower bound: beyond
      assertEquals(List.of(), keys(c));
      c.seek(utf8("a"));
      assertFalse(c.next());
    }
  }

  @Test
  void exhaustedCursorStaysExhaustedUntilASeek() {
    try (Cursor c = store.cursor()) {
      assertEquals(4, keys(c).size());
      store.put(utf8("z"), utf8("late"));
      assertFalse(c.next());
      assertFalse(c.next());
      c.seek(utf8("g"));
      assertEquals(List.of("h"), keys(c), "a cursor reads as of when it opened");
    }
  }

  @Test
  void readingWhenNotOnAnEntryIsAnInvalidState() {
    try (Cursor c = store.cursor()) {
      assertThrows(InvalidStateException.class, c::key);
      assertThrows(InvalidStateException.class, c::value);
      assertThrows(InvalidStateException.class, c::keyView);
      assertThrows(InvalidStateException.class, c::valueView);
      assertTrue(c.next());
      assertEquals("b", str(c.key()));
      c.seek(utf8("d"));
      assertThrows(InvalidStateException.class, c::key, "after a seek the cursor sits between");
      keys(c);
      assertThrows(InvalidStateException.class, c::value, "exhausted");
      assertThrows(InvalidArgumentException.class, () -> c.seek(null));
    }
  }

  @Test
  void viewsAreValidUntilTheCursorMoves() {
    Cursor c = store.cursor();
    try {
      assertTrue(c.next());
      ByteView k = c.keyView();
      ByteView v = c.valueView();
      assertTrue(k.contentEquals(utf8("b")));
      assertArrayEquals(utf8("B"), v.toArray());
      assertEquals(1, v.size());
      assertEquals('B', v.get(0));
      assertTrue(c.next());
      assertThrows(ClosedHandleException.class, k::toArray);
      assertThrows(ClosedHandleException.class, v::size);
      ByteView k2 = c.keyView();
      assertTrue(k2.contentEquals(utf8("d")));
      c.seek(utf8("a"));
      assertThrows(ClosedHandleException.class, k2::toArray);
      assertTrue(c.next());
      ByteView k3 = c.keyView();
      assertTrue(c.next()); // moving onto the next entry invalidates too
      assertThrows(ClosedHandleException.class, () -> k3.get(0));
      ByteView k4 = c.keyView();
      c.close();
      assertThrows(ClosedHandleException.class, k4::toArray);
      assertEquals("ByteView[invalidated]", k4.toString());
    } finally {
      c.close();
    }
  }

  @Test
  void copiesOutliveTheCursor() {
    byte[] key;
    byte[] value;
    try (Cursor c = store.cursor()) {
      assertTrue(c.next());
      key = c.key();
      value = c.value();
      key[0] = 'x'; // the caller's copy
      assertEquals("b", str(c.key()));
    }
    assertEquals("B", str(value));
  }

  @Test
  void closedCursorRefusesEverythingButClose() {
    Cursor c = store.cursor();
    assertTrue(c.next());
    c.close();
    c.close();
    assertThrows(ClosedHandleException.class, c::next);
    assertThrows(ClosedHandleException.class, () -> c.seek(utf8("a")));
    assertThrows(ClosedHandleException.class, c::key);
    assertThrows(ClosedHandleException.class, c::value);
    assertThrows(ClosedHandleException.class, c::keyView);
    assertThrows(ClosedHandleException.class, c::valueView);
    assertEquals(0, TestStores.detail(store, "cursors.open"));
  }

  @Test
  void cursorSkipsDeletedKeysAndSeesItsOpeningState() {
    store.delete(utf8("d"));
    try (Cursor c = store.cursor()) {
      store.delete(utf8("f"));
      store.put(utf8("c"), utf8("new"));
      store.put(utf8("b"), utf8("changed"));
      List<Map.Entry<byte[], byte[]>> seen = TestStores.drain(c);
      assertEquals(List.of("b", "f", "h"), seen.stream().map(e -> str(e.getKey())).toList());
      assertEquals("B", str(seen.get(0).getValue()));
    }
    assertEquals(List.of("b", "c", "h"), scan(KeyRange.all(), Direction.FORWARD));
  }

  /** Random stores, ranges, directions and seeks, checked against a TreeMap. */
  @Test
  void matchesASortedMapModel() {
    long seed = TestStores.seed("MemoryCursorTest.matchesASortedMapModel");
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      try (StorageEngine e = TestStores.open()) {
        NavigableMap<byte[], byte[]> model = new TreeMap<>(Bytes.ORDER);
        for (int i = 0; i < random.nextInt(60); i++) {
          byte[] k = randomKey(random);
          if (random.nextInt(4) == 0) {
            e.delete(k);
            model.remove(k);
          } else {
            byte[] v = randomKey(random);
            e.put(k, v);
            model.put(k, v);
          }
        }
        KeyRange range = randomRange(random);
        Direction dir = random.nextBoolean() ? Direction.FORWARD : Direction.REVERSE;
        String where = "seed " + seed + " round " + round + " range " + range + " " + dir;
        try (Cursor c = e.cursor(range, dir)) {
          assertEquals(expected(model, range, dir, null), hexKeys(c), where);
          for (int s = 0; s < 3; s++) {
            byte[] target = randomKey(random);
            c.seek(target);
            assertEquals(
                expected(model, range, dir, target),
                hexKeys(c),
                where + " seek " + Bytes.hex(target));
          }
        }
        TestStores.assertConsistent(e);
      }
    }
  }

  private static byte[] randomKey(SplittableRandom random) {
    byte[] k = new byte[random.nextInt(3)];
    for (int i = 0; i < k.length; i++) {
      int[] alphabet = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};
      k[i] = (byte) alphabet[random.nextInt(alphabet.length)];
    }
    return k;
  }

  private static KeyRange randomRange(SplittableRandom random) {
    while (true) {
      KeyRange.Bound lower =
          random.nextInt(4) == 0
              ? null
              : new KeyRange.Bound(randomKey(random), random.nextBoolean());
      KeyRange.Bound upper =
          random.nextInt(4) == 0
              ? null
              : new KeyRange.Bound(randomKey(random), random.nextBoolean());
      if (lower == null || upper == null || Bytes.compare(lower.key(), upper.key()) <= 0) {
        return new KeyRange(lower, upper);
      }
    }
  }

  private static List<String> expected(
      NavigableMap<byte[], byte[]> model, KeyRange range, Direction dir, byte[] seek) {
    List<String> out = new ArrayList<>();
    Iterable<byte[]> order = dir == Direction.FORWARD ? model.keySet() : model.descendingKeySet();
    for (byte[] k : order) {
      boolean afterSeek =
          seek == null
              || (dir == Direction.FORWARD
                  ? Bytes.compare(k, seek) >= 0
                  : Bytes.compare(k, seek) <= 0);
      if (range.contains(k) && afterSeek) {
        out.add(Bytes.hex(k));
      }
    }
    return out;
  }

  private static List<String> hexKeys(Cursor c) {
    List<String> out = new ArrayList<>();
    while (c.next()) {
      out.add(Bytes.hex(c.key()));
    }
    return out;
  }
}
