package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Range deletes ({@link Capability#RANGE_DELETES}): every key of the range and no other, for every
 * kind of bound; in order with a batch's other operations; atomic to concurrent readers; seen by a
 * snapshot only if taken after; in one keyspace only. The refusal without the capability is in
 * {@link CapabilityTests}.
 */
@Tag("capability:RANGE_DELETES")
abstract class RangeDeleteTests extends ConformanceGroup {

  @BeforeEach
  void needsRangeDeletes() {
    requires(Capability.RANGE_DELETES);
  }

  /** Keys that prefix each other and straddle the high bit, as the bounds below cut them. */
  private static final List<byte[]> KEYS =
      List.of(
          b(""),
          b("a"),
          b("b"),
          b("b\u0000"),
          b("ba"),
          b("bz"),
          b("c"),
          b("ca"),
          b("d"),
          Bytes.of(0x7F),
          Bytes.of(0x80),
          Bytes.of(0xFF),
          Bytes.of(0xFF, 0xFF),
          Bytes.of(0xFF, 0xFF, 0x00));

  private static KeyRange.Bound incl(byte[] k) {
    return new KeyRange.Bound(k, true);
  }

  private static KeyRange.Bound excl(byte[] k) {
    return new KeyRange.Bound(k, false);
  }

  static Stream<Named<KeyRange>> ranges() {
    return Stream.of(
        Named.of("[b, c) between", KeyRange.between(b("b"), b("c"))),
        Named.of("[b, c] both inclusive", new KeyRange(incl(b("b")), incl(b("c")))),
        Named.of("(b, c) both exclusive", new KeyRange(excl(b("b")), excl(b("c")))),
        Named.of("(b, c] lower exclusive", new KeyRange(excl(b("b")), incl(b("c")))),
        Named.of("(-inf, c) below", KeyRange.lessThan(b("c"))),
        Named.of("(-inf, c] at most", KeyRange.atMost(b("c"))),
        Named.of("[c, +inf) at least", KeyRange.atLeast(b("c"))),
        Named.of("(c, +inf) above", KeyRange.greaterThan(b("c"))),
        Named.of("everything", KeyRange.all()),
        Named.of("prefix b", KeyRange.prefix(b("b"))),
        Named.of("prefix 0xFF (no upper bound)", KeyRange.prefix(Bytes.of(0xFF))),
        Named.of("prefix of the empty key (everything)", KeyRange.prefix(new byte[0])),
        Named.of(
            "[0x7F, 0x80] across the high bit",
            new KeyRange(incl(Bytes.of(0x7F)), incl(Bytes.of(0x80)))),
        Named.of("[c, c] one key", new KeyRange(incl(b("c")), incl(b("c")))),
        Named.of("[c, c) empty", KeyRange.between(b("c"), b("c"))),
        Named.of("[bb, by) holding no key", KeyRange.between(b("bb"), b("by"))),
        Named.of("[\"\", a) the empty key alone", KeyRange.between(b(""), b("a"))));
  }

  private static NavigableMap<byte[], byte[]> fill(StorageEngine e) {
    NavigableMap<byte[], byte[]> model = Scans.model();
    for (byte[] k : KEYS) {
      byte[] v = b("v" + Bytes.hex(k));
      e.put(k, v);
      model.put(k, v);
    }
    return model;
  }

  /** After {@code deleteRange(range)}, the store holds exactly the keys outside the range. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("ranges")
  void aRangeDeleteRemovesExactlyTheKeysOfItsRange(KeyRange range) {
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> model = fill(e);
    e.deleteRange(range, Durability.BUFFERED);
    model.keySet().removeIf(range::contains);
    assertEquals(
        Scans.expected(model, KeyRange.all(), Direction.FORWARD),
        Scans.all(e),
        "after deleteRange" + range);
    for (byte[] k : KEYS) {
      assertEquals(
          model.containsKey(k),
          e.get(k) != null,
          () -> "get(" + Bytes.hex(k) + ") after deleteRange" + range);
    }
    assertEquals(
        Scans.expected(model, KeyRange.all(), Direction.REVERSE),
        Scans.scan(e, KeyRange.all(), Direction.REVERSE),
        "a reverse scan after deleteRange" + range);
  }

  /** The same through a batch, with each durability. */
  @ParameterizedTest
  @EnumSource(Durability.class)
  void aRangeDeleteInABatchAppliesAtEachDurability(Durability d) {
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> model = fill(e);
    KeyRange range = KeyRange.prefix(b("b"));
    e.write(new WriteBatch().deleteRange(range), d);
    model.keySet().removeIf(range::contains);
    assertEquals(Scans.expected(model, KeyRange.all(), Direction.FORWARD), Scans.all(e));
  }

  /**
   * A batch's operations apply in order: a key put before the range delete is deleted, one put
   * after it stays, and a delete of the range between two puts of one key leaves the second.
   */
  @Test
  void aRangeDeleteAppliesInOrderWithTheBatchsOtherOperations() {
    StorageEngine e = open();
    e.put(b("m1"), b("old"));
    e.write(
        new WriteBatch()
            .put(b("m2"), b("before"))
            .put(b("m3"), b("first"))
            .deleteRange(KeyRange.prefix(b("m")))
            .put(b("m3"), b("second"))
            .put(b("m4"), b("after"))
            .put(b("n"), b("outside")));
    assertNull(e.get(b("m1")), "a key stored before the batch survived its range delete");
    assertNull(e.get(b("m2")), "a key put earlier in the batch survived its range delete");
    assertArrayEquals(b("second"), e.get(b("m3")), "a put after the range delete was lost");
    assertArrayEquals(b("after"), e.get(b("m4")), "a put after the range delete was lost");
    assertArrayEquals(b("outside"), e.get(b("n")));
    e.write(
        new WriteBatch()
            .deleteRange(KeyRange.prefix(b("m")))
            .put(b("m5"), b("x"))
            .deleteRange(KeyRange.between(b("m5"), b("m6"))));
    assertEquals(List.of(new Scans.Entry(b("n"), b("outside"))), Scans.all(e));
  }

  @Test
  void aRangeDeleteOfAnEmptyStoreOrRangeChangesNothing() {
    StorageEngine e = open();
    e.deleteRange(KeyRange.all(), Durability.BUFFERED);
    assertEquals(List.of(), Scans.all(e));
    e.put(b("a"), b("1"));
    e.put(b("c"), b("3"));
    e.deleteRange(KeyRange.between(b("b"), b("b")), Durability.BUFFERED);
    e.deleteRange(KeyRange.between(b("aa"), b("bz")), Durability.BUFFERED);
    assertEquals(
        List.of(new Scans.Entry(b("a"), b("1")), new Scans.Entry(b("c"), b("3"))), Scans.all(e));
  }

  @Test
  void aNullRangeIsRefused() {
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    assertThrows(InvalidArgumentException.class, () -> e.deleteRange(null, Durability.BUFFERED));
    assertThrows(InvalidArgumentException.class, () -> new WriteBatch().deleteRange(null));
    assertArrayEquals(b("1"), e.get(b("a")));
  }

  /** Many keys, deleted by one range, put back, deleted again: nothing left behind or revived. */
  @Test
  void aRangeDeleteOfManyKeysLeavesNothingBehind() {
    StorageEngine e = open();
    for (int i = 0; i < 5000; i++) {
      e.put(b(String.format("many%05d", i)), b("v" + i));
    }
    e.put(b("manz"), b("kept"));
    e.deleteRange(KeyRange.prefix(b("many")), Durability.BUFFERED);
    assertEquals(List.of(new Scans.Entry(b("manz"), b("kept"))), Scans.all(e));
    e.put(b("many00042"), b("back"));
    assertArrayEquals(b("back"), e.get(b("many00042")));
    assertNull(e.get(b("many00043")), "a deleted key came back with a later put nearby");
    e.deleteRange(KeyRange.atMost(b("many99999")), Durability.BUFFERED);
    assertEquals(List.of(new Scans.Entry(b("manz"), b("kept"))), Scans.all(e));
  }

  /**
   * A writer alternately fills a range (one batch) and deletes it (one range delete); readers
   * scanning the range, live and through snapshots, see all of it or none.
   */
  @Test
  void readersSeeARangeDeleteWholeOrNotAtAll() throws Exception {
    StorageEngine e = open();
    int width = 20;
    KeyRange range = KeyRange.prefix(b("r/"));
    AtomicBoolean done = new AtomicBoolean();
    List<String> torn = Collections.synchronizedList(new ArrayList<>());
    e.put(b("r"), b("below"));
    e.put(b("r0"), b("above"));
    ConcurrencyTests.concurrently(
        3,
        t -> {
          if (t == 0) {
            for (int round = 0; round < 300 && torn.isEmpty(); round++) {
              WriteBatch fill = new WriteBatch();
              for (int k = 0; k < width; k++) {
                fill.put(b(String.format("r/%02d", k)), b("" + round));
              }
              e.write(fill);
              e.deleteRange(range, Durability.BUFFERED);
            }
            done.set(true);
            return;
          }
          while (!done.get()) {
            int n;
            if (t == 2 && declares(Capability.SNAPSHOTS)) {
              try (Snapshot s = e.snapshot()) {
                n = Scans.scan(s, range, Direction.FORWARD).size();
              }
            } else {
              n = Scans.scan(e, range, Direction.FORWARD).size();
            }
            if (n != 0 && n != width && torn.size() < 5) {
              torn.add("saw " + n + " of " + width + " keys of the range");
            }
          }
        });
    assertEquals(List.of(), torn, "a reader saw part of a range delete");
    assertArrayEquals(b("below"), e.get(b("r")));
    assertArrayEquals(b("above"), e.get(b("r0")));
  }

  @Test
  @Tag("capability:SNAPSHOTS")
  void aSnapshotBeforeARangeDeleteSeesItsKeysAndOneAfterDoesNot() {
    requires(Capability.SNAPSHOTS);
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> before = fill(e);
    KeyRange range = KeyRange.between(b("b"), b("d"));
    try (Snapshot old = e.snapshot()) {
      e.deleteRange(range, Durability.BUFFERED);
      try (Snapshot later = e.snapshot()) {
        assertEquals(
            Scans.expected(before, KeyRange.all(), Direction.FORWARD),
            Scans.all(old),
            "a snapshot taken before the range delete");
        assertArrayEquals(before.get(b("ba")), old.get(b("ba")));
        NavigableMap<byte[], byte[]> after = Scans.model();
        after.putAll(before);
        after.keySet().removeIf(range::contains);
        assertEquals(
            Scans.expected(after, KeyRange.all(), Direction.FORWARD),
            Scans.all(later),
            "a snapshot taken after the range delete");
        assertNull(later.get(b("ba")));
      }
    }
  }

  @Test
  @Tag("capability:KEYSPACES")
  void aRangeDeleteInAKeyspaceTouchesNoOther() {
    requires(Capability.KEYSPACES);
    StorageEngine e = stores.openNamingKeyspaces();
    Keyspace one = e.createKeyspace("one");
    Keyspace two = e.createKeyspace("two");
    for (String k : List.of("a", "b", "c")) {
      e.put(b(k), b("default"));
      one.put(b(k), b("one"));
      two.put(b(k), b("two"));
    }
    one.deleteRange(KeyRange.all(), Durability.BUFFERED);
    e.write(
        new WriteBatch().deleteRange("two", KeyRange.atLeast(b("b"))).put("two", b("c"), b("2")));
    assertEquals(List.of(), Scans.all(one));
    assertEquals(
        List.of(new Scans.Entry(b("a"), b("two")), new Scans.Entry(b("c"), b("2"))),
        Scans.all(two));
    assertEquals(3, Scans.all(e).size(), "a range delete in another keyspace reached the default");
  }

  @Test
  @Tag("capability:DURABLE")
  void aRangeDeleteSurvivesAReopen() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    StorageEngine e = stores.open(dir);
    NavigableMap<byte[], byte[]> model = fill(e);
    KeyRange range = new KeyRange(excl(b("a")), incl(b("c")));
    e.deleteRange(range, Durability.SYNC);
    e.put(b("bb"), b("after"), Durability.SYNC);
    e.close();
    model.keySet().removeIf(range::contains);
    model.put(b("bb"), b("after"));
    StorageEngine again = stores.open(dir, o -> o.createIfMissing(false));
    assertEquals(Scans.expected(model, KeyRange.all(), Direction.FORWARD), Scans.all(again));
  }
}
