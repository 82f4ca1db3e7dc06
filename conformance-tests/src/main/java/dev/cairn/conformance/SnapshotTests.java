package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Snapshots: a point-in-time view that sees every write before it and none after. */
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
}
