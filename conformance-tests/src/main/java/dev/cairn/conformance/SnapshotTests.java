package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots: a point-in-time view that sees every write before it and none after, empty values and
 * entries of every size included, and seeks in it among deleted keys and keys with high bytes.
 */
@Tag("capability:SNAPSHOTS")
abstract class SnapshotTests extends ConformanceGroup {

  private StorageEngine e;

  @BeforeEach
  void needsSnapshots() {
    requires(Capability.SNAPSHOTS);
    e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    e.put(b("c"), b("3"));
  }

  @Test
  void aSnapshotSeesTheStateWhenItWasTaken() {
    try (Snapshot s = e.snapshot()) {
      e.put(b("a"), b("changed"));
      e.delete(b("b"));
      e.put(b("d"), b("new"));
      assertArrayEquals(b("1"), s.get(b("a")));
      assertArrayEquals(b("2"), s.get(b("b")));
      assertNull(s.get(b("d")));
      assertArrayEquals(b("changed"), e.get(b("a")), "the store moved on");
    }
  }

  @Test
  void aSnapshotDoesNotSeeALaterBatch() {
    requires(Capability.ATOMIC_BATCHES);
    try (Snapshot s = e.snapshot()) {
      e.write(new WriteBatch().put(b("a"), b("x")).delete(b("c")).put(b("e"), b("y")));
      assertEquals(
          List.of(
              new Scans.Entry(b("a"), b("1")),
              new Scans.Entry(b("b"), b("2")),
              new Scans.Entry(b("c"), b("3"))),
          Scans.allSorted(s));
    }
  }

  @ParameterizedTest
  @EnumSource(Direction.class)
  void aSnapshotCursorIsIsolatedFromLaterWrites(Direction d) {
    requires(Capability.ORDERED_SCANS);
    NavigableMap<byte[], byte[]> model = Scans.model();
    model.put(b("a"), b("1"));
    model.put(b("b"), b("2"));
    model.put(b("c"), b("3"));
    try (Snapshot s = e.snapshot()) {
      e.put(b("bb"), b("new"));
      e.delete(b("a"));
      try (Cursor c = s.cursor(KeyRange.all(), d)) {
        assertTrue(c.next());
        e.put(b("0"), b("new"));
        e.put(b("z"), b("new"));
        e.delete(b("b"));
        List<Scans.Entry> seen = new ArrayList<>();
        seen.add(new Scans.Entry(c.key(), c.value()));
        seen.addAll(Scans.drain(c));
        assertEquals(Scans.expected(model, KeyRange.all(), d), seen);
      }
    }
  }

  @Test
  void eachSnapshotSeesItsOwnMoment() {
    List<Snapshot> snapshots = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        snapshots.add(e.snapshot());
        e.put(b("counter"), b("" + i));
        if (i % 2 == 0) {
          e.delete(b("a"));
        } else {
          e.put(b("a"), b("back " + i));
        }
      }
      assertNull(snapshots.get(0).get(b("counter")));
      assertArrayEquals(b("1"), snapshots.get(0).get(b("a")));
      for (int i = 1; i < 6; i++) {
        assertArrayEquals(b("" + (i - 1)), snapshots.get(i).get(b("counter")), "snapshot " + i);
        byte[] a = snapshots.get(i).get(b("a"));
        if ((i - 1) % 2 == 0) {
          assertNull(a, "snapshot " + i);
        } else {
          assertArrayEquals(b("back " + (i - 1)), a, "snapshot " + i);
        }
      }
    } finally {
      snapshots.forEach(Snapshot::close);
    }
  }

  @Test
  void aSnapshotOfAnEmptyStoreStaysEmpty() {
    StorageEngine empty = open();
    try (Snapshot s = empty.snapshot()) {
      empty.put(b("k"), b("v"));
      assertNull(s.get(b("k")));
      assertEquals(List.of(), Scans.all(s));
    }
  }

  @Test
  void aClosedSnapshotRefusesUseAndClosesTwiceQuietly() {
    Snapshot s = e.snapshot();
    s.close();
    s.close();
    assertThrows(ClosedHandleException.class, () -> s.get(b("a")));
    assertThrows(ClosedHandleException.class, () -> s.cursor().close());
  }

  @Test
  void closingASnapshotClosesItsCursors() {
    Snapshot s = e.snapshot();
    Cursor c = s.cursor();
    assertTrue(c.next());
    s.close();
    assertThrows(ClosedHandleException.class, c::next);
    c.close();
  }

  @Test
  void closingTheStoreClosesItsSnapshots() {
    StorageEngine other = open();
    other.put(b("k"), b("v"));
    Snapshot s = other.snapshot();
    other.close();
    assertThrows(ClosedHandleException.class, () -> s.get(b("k")));
    s.close();
  }

  @Test
  void snapshotReadsReturnCopies() {
    try (Snapshot s = e.snapshot()) {
      s.get(b("a"))[0] = 'X';
      assertArrayEquals(b("1"), s.get(b("a")));
    }
  }

  /**
   * An empty value is a value in a snapshot too: present through get and cursors, distinct from
   * absence, whether the key is later overwritten or deleted.
   */
  @Test
  void aSnapshotKeepsEmptyValues() {
    NavigableMap<byte[], byte[]> model = setupModel();
    e.put(b("empty"), new byte[0]);
    e.put(new byte[0], new byte[0]);
    e.put(b("c"), new byte[0]);
    model.put(b("empty"), new byte[0]);
    model.put(new byte[0], new byte[0]);
    model.put(b("c"), new byte[0]);
    try (Snapshot s = e.snapshot()) {
      e.put(b("empty"), b("filled"));
      e.delete(new byte[0]);
      e.put(b("later"), new byte[0]);
      for (byte[] k : List.of(b("empty"), new byte[0], b("c"))) {
        byte[] read = s.get(k);
        assertNotNull(read, "the snapshot lost the empty value of '" + Bytes.hex(k) + "'");
        assertEquals(0, read.length);
      }
      assertNull(s.get(b("later")), "the snapshot sees an empty value written after it");
      assertEquals(
          Scans.expected(model, KeyRange.all(), Direction.FORWARD),
          Scans.allSorted(s),
          "a snapshot cursor");
      if (declares(Capability.ORDERED_SCANS)) {
        for (Direction d : Direction.values()) {
          assertEquals(
              Scans.expected(model, KeyRange.all(), d), Scans.scan(s, KeyRange.all(), d), d + "");
          try (Cursor c = s.cursor(KeyRange.all(), d)) {
            c.seek(b("empty"));
            assertEquals(
                Scans.afterSeek(model, KeyRange.all(), d, b("empty")),
                Scans.drain(c),
                d + " seek to an empty value");
          }
        }
      }
    }
    assertArrayEquals(new byte[0], e.get(b("later")));
  }

  /**
   * A snapshot keeps keys and values of every size as they were, while each key is overwritten with
   * a value of another size or deleted; its reads are copies the caller owns.
   */
  @Test
  void aSnapshotKeepsKeysAndValuesOfEverySize() {
    NavigableMap<byte[], byte[]> model = setupModel();
    List<byte[]> keys = new ArrayList<>();
    int i = 0;
    for (Sizes.Pair p : Sizes.pairs()) {
      byte[] k = Sizes.bytes(500 + i, p.key().bytes());
      byte[] v = Sizes.bytes(600 + i, p.value().bytes());
      e.put(k, v);
      model.put(k, v);
      keys.add(k);
      i++;
    }
    try (Snapshot s = e.snapshot()) {
      for (int j = 0; j < keys.size(); j++) {
        byte[] k = keys.get(j);
        if (j % 3 == 2) {
          e.delete(k);
        } else {
          int old = model.get(k).length;
          e.put(k, Sizes.bytes(700 + j, old == 0 ? 64 * 1024 + 1 : old > 4096 ? 1 : old + 4096));
        }
      }
      e.put(Sizes.bytes(800, 4097), Sizes.bytes(801, 4097));
      for (byte[] k : keys) {
        String what = "key of " + k.length + " bytes, value of " + model.get(k).length;
        byte[] read = s.get(k);
        assertArrayEquals(model.get(k), read, what + ": the snapshot changed");
        Bytes.invert(read);
        assertArrayEquals(model.get(k), s.get(k), what + ": changing a read changed it");
      }
      assertNull(s.get(Sizes.bytes(800, 4097)), "the snapshot sees a key written after it");
      assertEquals(
          Scans.expected(model, KeyRange.all(), Direction.FORWARD),
          Scans.allSorted(s),
          "a snapshot cursor");
    }
  }

  /**
   * A snapshot cursor seeks in unsigned order among keys with high bytes, over keys deleted before
   * the snapshot (absent), and to keys deleted or written after it (present and absent).
   */
  @ParameterizedTest
  @EnumSource(Direction.class)
  @Tag("capability:ORDERED_SCANS")
  void aSnapshotCursorSeeksAmongDeletedAndHighBitKeys(Direction d) {
    requires(Capability.ORDERED_SCANS);
    NavigableMap<byte[], byte[]> model = setupModel();
    for (byte[] k : CursorTests.HIGH_BIT_KEYS) {
      e.put(k, b("v"));
      model.put(k, b("v"));
    }
    e.delete(b("b"));
    model.remove(b("b"));
    e.delete(Bytes.of(0xFE));
    model.remove(Bytes.of(0xFE));
    try (Snapshot s = e.snapshot()) {
      e.delete(b("c"));
      e.delete(Bytes.of(0x80));
      e.put(Bytes.of(0x81), b("later"));
      e.put(b("b"), b("back"));
      List<byte[]> targets = new ArrayList<>(CursorTests.HIGH_BIT_TARGETS);
      targets.addAll(List.of(b("b"), b("c"), Bytes.of(0xFE), Bytes.of(0x80), Bytes.of(0x81)));
      for (KeyRange range : List.of(KeyRange.all(), KeyRange.between(b("a"), Bytes.of(0xFF)))) {
        assertEquals(Scans.expected(model, range, d), Scans.scan(s, range, d), d + " " + range);
        for (byte[] target : targets) {
          try (Cursor c = s.cursor(range, d)) {
            c.seek(target);
            assertEquals(
                Scans.afterSeek(model, range, d, target),
                Scans.drain(c),
                d + " " + range + ", seek to " + Bytes.hex(target));
          }
        }
      }
    }
  }

  /** The model of what {@link #needsSnapshots()} wrote. */
  private static NavigableMap<byte[], byte[]> setupModel() {
    NavigableMap<byte[], byte[]> model = Scans.model();
    model.put(b("a"), b("1"));
    model.put(b("b"), b("2"));
    model.put(b("c"), b("3"));
    return model;
  }
}
