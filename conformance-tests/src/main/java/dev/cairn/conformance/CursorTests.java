package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ByteView;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cursors: bounds, directions, seeks (to deleted keys, among keys with high bytes), empty ranges,
 * entries of every size as copies and views, the caller's seek key and bounds copied, the lifetime
 * of views, and a consistent view while writes go on. Needs {@link Capability#ORDERED_SCANS}; the
 * unordered cursor is covered by {@link CapabilityTests} and the full-scan tests of other groups.
 */
@Tag("capability:ORDERED_SCANS")
abstract class CursorTests extends ConformanceGroup {

  private static final List<String> KEYS = List.of("b", "c", "d", "e", "f", "g");

  private StorageEngine e;
  private NavigableMap<byte[], byte[]> model;

  @BeforeEach
  void fill() {
    requires(Capability.ORDERED_SCANS);
    e = open();
    model = Scans.model();
    for (String k : KEYS) {
      e.put(b(k), b("v" + k));
      model.put(b(k), b("v" + k));
    }
  }

  private static KeyRange.Bound bound(String kind, String key) {
    return switch (kind) {
      case "none" -> null;
      case "incl" -> new KeyRange.Bound(b(key), true);
      default -> new KeyRange.Bound(b(key), false);
    };
  }

  static Stream<Arguments> ranges() {
    List<Arguments> out = new ArrayList<>();
    for (Direction d : Direction.values()) {
      for (String lower : List.of("none", "incl", "excl")) {
        for (String upper : List.of("none", "incl", "excl")) {
          // Bounds on stored keys (c, f) and between them (cc, ff).
          out.add(Arguments.of(d, lower, "c", upper, "f"));
          if (!lower.equals("none") || !upper.equals("none")) {
            out.add(Arguments.of(d, lower, "cc", upper, "ff"));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} lower {1} {2}, upper {3} {4}")
  @MethodSource("ranges")
  void aCursorVisitsExactlyItsRangeInItsDirection(
      Direction d, String lowerKind, String lower, String upperKind, String upper) {
    KeyRange range = new KeyRange(bound(lowerKind, lower), bound(upperKind, upper));
    assertEquals(Scans.expected(model, range, d), Scans.scan(e, range, d), range.toString());
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aRangeWithSameBoundsAndAnExclusiveEndIsEmpty(Direction d) {
    KeyRange excl =
        new KeyRange(new KeyRange.Bound(b("c"), true), new KeyRange.Bound(b("c"), false));
    assertEquals(List.of(), Scans.scan(e, excl, d));
    KeyRange incl =
        new KeyRange(new KeyRange.Bound(b("c"), true), new KeyRange.Bound(b("c"), true));
    assertEquals(List.of(new Scans.Entry(b("c"), b("vc"))), Scans.scan(e, incl, d));
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void rangesHoldingNoStoredKeyAreEmpty(Direction d) {
    assertEquals(List.of(), Scans.scan(e, KeyRange.between(b("cc"), b("cz")), d));
    assertEquals(List.of(), Scans.scan(e, KeyRange.lessThan(b("b")), d));
    assertEquals(List.of(), Scans.scan(e, KeyRange.greaterThan(b("g")), d));
    assertEquals(List.of(), Scans.scan(e, KeyRange.atLeast(b("zzz")), d));
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aCursorOnAnEmptyStoreIsExhausted(Direction d) {
    StorageEngine empty = open();
    try (Cursor c = empty.cursor(KeyRange.all(), d)) {
      assertFalse(c.next());
      assertFalse(c.next());
    }
  }

  /** Where a seek in a direction should land, as the key the next {@code next()} returns. */
  static Stream<Arguments> seeks() {
    return Stream.of(
        Arguments.of(Direction.FORWARD, "d", "d", "on a stored key"),
        Arguments.of(Direction.FORWARD, "dd", "e", "between keys"),
        Arguments.of(Direction.FORWARD, "a", "b", "before the first key"),
        Arguments.of(Direction.FORWARD, "", "b", "to the empty key"),
        Arguments.of(Direction.FORWARD, "g", "g", "on the last key"),
        Arguments.of(Direction.FORWARD, "h", null, "past the last key"),
        Arguments.of(Direction.REVERSE, "d", "d", "on a stored key"),
        Arguments.of(Direction.REVERSE, "dd", "d", "between keys"),
        Arguments.of(Direction.REVERSE, "h", "g", "past the last key"),
        Arguments.of(Direction.REVERSE, "b", "b", "on the first key"),
        Arguments.of(Direction.REVERSE, "a", null, "before the first key"),
        Arguments.of(Direction.REVERSE, "", null, "to the empty key"));
  }

  @ParameterizedTest(name = "{0} seek {3}")
  @MethodSource("seeks")
  void aSeekLandsOnTheFirstEntryAtOrBeyondTheKey(
      Direction d, String target, String landing, String what) {
    try (Cursor c = e.cursor(KeyRange.all(), d)) {
      c.next();
      c.next();
      c.seek(b(target));
      if (landing == null) {
        assertFalse(c.next(), "seek " + what + " should exhaust the cursor");
      } else {
        assertTrue(c.next(), "seek " + what + " found nothing");
        assertArrayEquals(b(landing), c.key(), "seek " + what);
        assertArrayEquals(b("v" + landing), c.value());
        List<Scans.Entry> rest = Scans.drain(c);
        KeyRange after =
            d == Direction.FORWARD
                ? KeyRange.greaterThan(b(landing))
                : KeyRange.lessThan(b(landing));
        assertEquals(Scans.expected(model, after, d), rest, "entries after the seek");
      }
    }
  }

  /**
   * A seek to a deleted key lands on the next live key in the cursor's direction: neither on the
   * deleted key nor past its neighbour (an engine that steps over a tombstone as if it were an
   * entry skips one). Keys deleted once, deleted after an overwrite, deleted twice, written and
   * deleted again, deleted by a batch, and the last key of the store.
   */
  @ParameterizedTest
  @EnumSource(Direction.class)
  void aSeekToADeletedKeyLandsOnTheNextLiveKey(Direction d) {
    e.delete(b("d"));
    e.put(b("e"), b("ve, overwritten"));
    e.delete(b("e"));
    e.put(b("cc"), b("brief"));
    e.delete(b("cc"));
    e.delete(b("cc"));
    e.delete(b("g"));
    model.remove(b("d"));
    model.remove(b("e"));
    model.remove(b("g"));
    List<String> targets = new ArrayList<>(List.of("d", "e", "cc", "g", "b"));
    if (declares(Capability.ATOMIC_BATCHES)) {
      e.put(b("ee"), b("vee"));
      e.write(new WriteBatch().delete(b("ee")).delete(b("b")));
      model.remove(b("b"));
      targets.add("ee");
    }
    for (String target : targets) {
      try (Cursor c = e.cursor(KeyRange.all(), d)) {
        c.seek(b(target));
        assertEquals(
            Scans.afterSeek(model, KeyRange.all(), d, b(target)),
            Scans.drain(c),
            d + " seek to deleted key " + target);
      }
      KeyRange range = KeyRange.between(b("c"), b("f"));
      try (Cursor c = e.cursor(range, d)) {
        c.seek(b(target));
        assertEquals(
            Scans.afterSeek(model, range, d, b(target)),
            Scans.drain(c),
            d + " seek to deleted key " + target + " within " + range);
      }
    }
  }

  /** Keys with bytes 0x80-0xFF, which order after 0x7F unsigned (and before it signed). */
  static final List<byte[]> HIGH_BIT_KEYS =
      List.of(
          Bytes.of(0x00),
          Bytes.of(0x41),
          Bytes.of(0x7F),
          Bytes.of(0x7F, 0xFF),
          Bytes.of(0x80),
          Bytes.of(0x80, 0x00),
          b("é"),
          b("ключ"),
          b("日本"),
          Bytes.of(0xFE),
          Bytes.of(0xFF),
          Bytes.of(0xFF, 0x7F),
          Bytes.of(0xFF, 0xFF));

  /** Seek targets among {@link #HIGH_BIT_KEYS}: on them, between them, beyond them. */
  static final List<byte[]> HIGH_BIT_TARGETS =
      List.of(
          Bytes.of(0x80),
          Bytes.of(0x7F, 0xFF, 0xFF),
          Bytes.of(0x81),
          Bytes.of(0xC3),
          b("ключ"),
          Bytes.of(0xE0),
          Bytes.of(0xFE, 0xFF),
          Bytes.of(0xFF, 0x00),
          Bytes.of(0xFF, 0xFF, 0xFF),
          Bytes.of(0x7E),
          Bytes.of(0x00));

  /**
   * Keys with high bytes (UTF-8 beyond ASCII, 0x80-0xFF) scan, bound ranges and seek in unsigned
   * order: an engine that compares signed bytes anywhere (in a seek, say, though its scans are
   * right) fails here.
   */
  @ParameterizedTest
  @EnumSource(Direction.class)
  void highBitKeysScanAndSeekInUnsignedOrder(Direction d) {
    StorageEngine s = open();
    NavigableMap<byte[], byte[]> m = Scans.model();
    List<byte[]> shuffled = new ArrayList<>(HIGH_BIT_KEYS);
    Collections.shuffle(shuffled, new Random(17));
    for (byte[] k : shuffled) {
      s.put(k, k);
      m.put(k, k);
    }
    List<KeyRange> ranges =
        List.of(
            KeyRange.all(),
            KeyRange.between(Bytes.of(0x80), Bytes.of(0xFF)),
            KeyRange.greaterThan(Bytes.of(0x7F)),
            KeyRange.atMost(b("é")),
            KeyRange.prefix(Bytes.of(0xFF)),
            KeyRange.prefix(Bytes.of(0x7F)));
    for (KeyRange range : ranges) {
      assertEquals(Scans.expected(m, range, d), Scans.scan(s, range, d), d + " " + range);
      for (byte[] target : HIGH_BIT_TARGETS) {
        try (Cursor c = s.cursor(range, d)) {
          c.seek(target);
          assertEquals(
              Scans.afterSeek(m, range, d, target),
              Scans.drain(c),
              d + " " + range + ", seek to " + Bytes.hex(target));
        }
      }
    }
  }

  /**
   * A cursor holds what its range and seek were when called: changing the caller's arrays after
   * building the range, or after the seek returns and before the next step, changes nothing (an
   * engine that keeps the seek key to position the cursor lazily fails here).
   */
  @ParameterizedTest
  @EnumSource(Direction.class)
  void aCursorCopiesTheCallersSeekKeyAndBounds(Direction d) {
    byte[] lower = b("c");
    byte[] upper = b("f");
    KeyRange range = new KeyRange(new KeyRange.Bound(lower, true), new KeyRange.Bound(upper, true));
    Bytes.invert(lower);
    Bytes.invert(upper);
    try (Cursor c = e.cursor(range, d)) {
      assertEquals(Scans.expected(model, range, d), Scans.drain(c), "range " + range);
      byte[] target = b("dd");
      c.seek(target);
      Bytes.invert(target);
      assertEquals(
          Scans.afterSeek(model, range, d, b("dd")),
          Scans.drain(c),
          "the seek moved with the caller's array");
      byte[] again = b("e");
      c.seek(again);
      again[0] = 'a';
      assertTrue(c.next(), "nothing after a seek to e");
      assertArrayEquals(b("e"), c.key(), "the seek moved with the caller's array");
    }
  }

  /**
   * Entries of every size come out of a cursor whole, in order, as copies the caller owns and as
   * views of the right length and content; seeks to long keys, and between long keys that share all
   * but their last byte, land right.
   */
  @Test
  void entriesOfEverySizeComeOutOfACursorWholeAndAsCopies() {
    StorageEngine big = open();
    NavigableMap<byte[], byte[]> m = Scans.model();
    int i = 0;
    for (Sizes.Pair p : Sizes.pairs()) {
      byte[] k = Sizes.bytes(300 + i, p.key().bytes());
      byte[] v = Sizes.bytes(400 + i, p.value().bytes());
      big.put(k, v);
      m.put(k, v);
      if (k.length > 4000) {
        byte[] twin = k.clone();
        twin[twin.length - 1] ^= 0x01;
        big.put(twin, b("twin"));
        m.put(twin, b("twin"));
      }
      i++;
    }
    for (Direction d : Direction.values()) {
      List<Scans.Entry> expected = Scans.expected(m, KeyRange.all(), d);
      try (Cursor c = big.cursor(KeyRange.all(), d)) {
        for (Scans.Entry want : expected) {
          assertTrue(c.next(), d + ": the cursor ended early");
          String what = d + " entry with a key of " + want.key().length + " bytes";
          byte[] k = c.key();
          byte[] v = c.value();
          assertArrayEquals(want.key(), k, what);
          assertArrayEquals(want.value(), v, what);
          ByteView kv = c.keyView();
          ByteView vv = c.valueView();
          assertEquals(want.key().length, kv.size(), what + ": key view size");
          assertEquals(want.value().length, vv.size(), what + ": value view size");
          assertTrue(kv.contentEquals(want.key()), what + ": key view content");
          assertTrue(vv.contentEquals(want.value()), what + ": value view content");
          if (want.value().length > 0) {
            int last = want.value().length - 1;
            assertEquals(want.value()[last], vv.get(last), what + ": last byte of the view");
          }
          Bytes.invert(k);
          Bytes.invert(v);
          assertArrayEquals(want.key(), c.key(), what + ": changing a returned key changed it");
          assertArrayEquals(
              want.value(), c.value(), what + ": changing a returned value changed it");
          assertArrayEquals(want.value(), vv.toArray(), what + ": the view changed");
        }
        assertFalse(c.next(), d + ": entries beyond the store's");
      }
    }
    for (byte[] k : m.keySet()) {
      assertArrayEquals(m.get(k), big.get(k), "the store changed under its cursors");
      if (k.length > 4000) {
        byte[] shorter = Arrays.copyOf(k, k.length - 1);
        for (Direction d : Direction.values()) {
          for (byte[] target : List.of(k, shorter)) {
            try (Cursor c = big.cursor(KeyRange.all(), d)) {
              c.seek(target);
              List<Scans.Entry> want = Scans.afterSeek(m, KeyRange.all(), d, target);
              assertTrue(c.next(), d + " seek to a key of " + target.length + " bytes");
              assertEquals(want.getFirst(), new Scans.Entry(c.key(), c.value()), d + " seek");
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aSeekOutsideTheRangeClampsToIt(Direction d) {
    KeyRange range = KeyRange.between(b("c"), b("f"));
    List<Scans.Entry> whole = Scans.expected(model, range, d);
    try (Cursor c = e.cursor(range, d)) {
      c.seek(d == Direction.FORWARD ? b("a") : b("z"));
      assertEquals(whole, Scans.drain(c), "a seek before the range restarts it");
      c.seek(d == Direction.FORWARD ? b("z") : b("a"));
      assertFalse(c.next(), "a seek beyond the range exhausts it");
      c.seek(d == Direction.FORWARD ? b("f") : b("b"));
      assertFalse(c.next(), "a seek to the excluded bound or beyond exhausts it");
    }
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aSeekRepositionsAnExhaustedCursor(Direction d) {
    try (Cursor c = e.cursor(KeyRange.all(), d)) {
      Scans.drain(c);
      assertFalse(c.next(), "an exhausted cursor stays exhausted");
      c.seek(b("d"));
      assertTrue(c.next());
      assertArrayEquals(b("d"), c.key());
    }
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void readingAnEntryWhenNotOnOneIsAnInvalidState(Direction d) {
    try (Cursor c = e.cursor(KeyRange.all(), d)) {
      assertThrows(InvalidStateException.class, c::key, "before the first next()");
      assertThrows(InvalidStateException.class, c::value, "before the first next()");
      assertThrows(InvalidStateException.class, c::keyView, "before the first next()");
      Scans.drain(c);
      assertThrows(InvalidStateException.class, c::key, "after exhaustion");
      assertThrows(InvalidStateException.class, c::valueView, "after exhaustion");
      c.seek(b("c"));
      assertThrows(InvalidStateException.class, c::key, "after a seek, before next()");
    }
  }

  @Test
  void viewsShowTheCurrentEntry() {
    try (Cursor c = e.cursor(KeyRange.atLeast(b("d")), Direction.FORWARD)) {
      assertTrue(c.next());
      ByteView k = c.keyView();
      ByteView v = c.valueView();
      assertEquals(1, k.size());
      assertEquals('d', k.get(0));
      assertArrayEquals(b("d"), k.toArray());
      assertTrue(v.contentEquals(b("vd")));
      byte[] target = new byte[4];
      v.copyTo(target, 1);
      assertArrayEquals(new byte[] {0, 'v', 'd', 0}, target);
    }
  }

  static Stream<Named<Consumer<Cursor>>> moves() {
    return Stream.of(
        Named.of("next", Cursor::next),
        Named.of("seek", c -> c.seek(b("b"))),
        Named.of("close", Cursor::close));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("moves")
  void viewsAreInvalidatedWhenTheCursorMoves(Consumer<Cursor> move) {
    try (Cursor c = e.cursor()) {
      assertTrue(c.next());
      ByteView k = c.keyView();
      ByteView v = c.valueView();
      byte[] copy = c.key();
      move.accept(c);
      assertThrows(ClosedHandleException.class, k::size, "a key view outlived its entry");
      assertThrows(ClosedHandleException.class, v::toArray, "a value view outlived its entry");
      assertArrayEquals(b("b"), copy, "a copy must outlive its entry");
    }
  }

  @Test
  void keysAndValuesAreCopies() {
    try (Cursor c = e.cursor()) {
      assertTrue(c.next());
      byte[] k = c.key();
      k[0] = 'X';
      c.value()[0] = 'X';
      assertArrayEquals(b("b"), c.key());
      assertArrayEquals(b("vb"), c.value());
    }
    assertArrayEquals(b("vb"), e.get(b("b")));
  }

  @Test
  void aClosedCursorRefusesUseAndClosesTwiceQuietly() {
    Cursor c = e.cursor();
    c.next();
    c.close();
    c.close();
    assertThrows(ClosedHandleException.class, c::next);
    assertThrows(ClosedHandleException.class, () -> c.seek(b("c")));
    assertThrows(ClosedHandleException.class, c::key);
    assertThrows(ClosedHandleException.class, c::value);
  }

  @Test
  void closingTheStoreClosesItsCursors() {
    StorageEngine other = open();
    other.put(b("a"), b("1"));
    Cursor c = other.cursor();
    assertTrue(c.next());
    other.close();
    assertThrows(ClosedHandleException.class, c::next);
    c.close();
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aCursorSeesAConsistentViewWhileWritesGoOn(Direction d) {
    List<byte[]> seen = new ArrayList<>();
    try (Cursor c = e.cursor(KeyRange.all(), d)) {
      int i = 0;
      while (c.next()) {
        seen.add(c.key());
        // Writes on every side of the cursor while it moves.
        e.put(b("a" + i), b("new"));
        e.put(b("z" + i), b("new"));
        e.put(b("d"), b("changed"));
        e.delete(b("e"));
        e.put(b(KEYS.get(i % KEYS.size()) + "x"), b("new"));
        i++;
      }
    }
    for (int i = 1; i < seen.size(); i++) {
      int cmp = java.util.Arrays.compareUnsigned(seen.get(i - 1), seen.get(i));
      assertTrue(d == Direction.FORWARD ? cmp < 0 : cmp > 0, "keys out of order or repeated");
    }
    List<String> seenText =
        seen.stream().map(k -> new String(k, java.nio.charset.StandardCharsets.UTF_8)).toList();
    for (String k : List.of("b", "c", "f", "g")) {
      assertTrue(
          seenText.contains(k),
          "the cursor missed " + k + ", untouched since it opened: " + seenText);
    }
    if (declares(Capability.SNAPSHOTS)) {
      List<String> expected = new ArrayList<>(KEYS);
      if (d == Direction.REVERSE) {
        java.util.Collections.reverse(expected);
      }
      assertEquals(expected, seenText, "with SNAPSHOTS a cursor sees the state when it opened");
    }
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aLargeScanIsOrderedAndComplete(Direction d) {
    StorageEngine big = open();
    NavigableMap<byte[], byte[]> m = Scans.model();
    java.util.Random r = new java.util.Random(99);
    for (int i = 0; i < 5000; i++) {
      byte[] k = Bytes.random(r.nextLong(), 1 + r.nextInt(12));
      big.put(k, b("v" + i));
      m.put(k, b("v" + i));
    }
    assertEquals(Scans.expected(m, KeyRange.all(), d), Scans.scan(big, KeyRange.all(), d));
    KeyRange mid = KeyRange.between(Bytes.of(0x40), Bytes.of(0xC0));
    assertEquals(Scans.expected(m, mid, d), Scans.scan(big, mid, d));
  }
}
