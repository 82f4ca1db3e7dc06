package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineStatistics;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keyspaces ({@link Capability#KEYSPACES}): created, listed and dropped; the same key in two
 * keyspaces is two entries; a batch spanning keyspaces is atomic, also to concurrent readers; a
 * snapshot covers every keyspace, one dropped after it included; handles of a dropped keyspace
 * refuse every call; bad names and missing keyspaces are refused and change nothing; keyspaces
 * survive a reopen. The refusals of an engine without keyspaces are in {@link CapabilityTests}.
 *
 * <p>Stores open through the runtime when it forwards keyspace calls, else directly ({@link
 * Stores#openNamingKeyspaces}).
 */
@Tag("capability:KEYSPACES")
abstract class KeyspaceTests extends ConformanceGroup {

  @BeforeEach
  void needsKeyspaces() {
    requires(Capability.KEYSPACES);
  }

  private StorageEngine openStore() {
    return stores.openNamingKeyspaces();
  }

  @Test
  void aNewStoreHasOnlyTheDefaultKeyspaceWhichTheStoreHandleReadsAndWrites() {
    StorageEngine e = openStore();
    assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
    e.put(b("k"), b("through the store"));
    Keyspace d = e.keyspace(Keyspace.DEFAULT);
    assertEquals(Keyspace.DEFAULT, d.name());
    assertArrayEquals(b("through the store"), d.get(b("k")));
    d.put(b("j"), b("through the keyspace"));
    assertArrayEquals(b("through the keyspace"), e.get(b("j")));
    d.delete(b("k"));
    assertNull(e.get(b("k")));
  }

  @Test
  void keyspacesAreCreatedListedSortedAndDropped() {
    StorageEngine e = openStore();
    Keyspace b = e.createKeyspace("beta");
    Keyspace a = e.createKeyspace("alpha");
    e.createKeyspace("gamma.2_x-y");
    assertEquals("beta", b.name());
    assertEquals("alpha", a.name());
    assertEquals(List.of("alpha", "beta", "default", "gamma.2_x-y"), e.keyspaces());
    assertEquals("alpha", e.keyspace("alpha").name());
    e.dropKeyspace("beta");
    assertEquals(List.of("alpha", "default", "gamma.2_x-y"), e.keyspaces());
    assertThrows(InvalidArgumentException.class, () -> e.keyspace("beta"));
  }

  @Test
  void aKeyspaceHandleBelongsToItsStore() {
    StorageEngine e = openStore();
    Keyspace k = e.createKeyspace("mine");
    k.put(b("a"), b("1"));
    StorageEngine owner = k.store();
    assertArrayEquals(
        b("1"), owner.keyspace("mine").get(b("a")), "store() is not the store of the keyspace");
    assertEquals(e.keyspaces(), owner.keyspaces());
  }

  @Test
  void theSameKeyInTwoKeyspacesIsTwoEntries() {
    StorageEngine e = openStore();
    Keyspace one = e.createKeyspace("one");
    Keyspace two = e.createKeyspace("two");
    e.put(b("k"), b("default"));
    one.put(b("k"), b("one"));
    two.put(b("k"), b("two"));
    one.put(b("only-in-one"), b("x"));
    assertArrayEquals(b("default"), e.get(b("k")));
    assertArrayEquals(b("one"), one.get(b("k")));
    assertArrayEquals(b("two"), two.get(b("k")));
    assertNull(e.get(b("only-in-one")), "a key of keyspace 'one' is visible in the default one");
    assertNull(two.get(b("only-in-one")), "a key of keyspace 'one' is visible in 'two'");
    one.delete(b("k"));
    assertNull(one.get(b("k")));
    assertArrayEquals(b("default"), e.get(b("k")), "a delete in 'one' removed the default's key");
    assertArrayEquals(b("two"), two.get(b("k")), "a delete in 'one' removed the key of 'two'");
    assertEquals(List.of(new Scans.Entry(b("k"), b("default"))), Scans.allSorted(e));
    assertEquals(List.of(new Scans.Entry(b("only-in-one"), b("x"))), Scans.allSorted(one));
    assertEquals(List.of(new Scans.Entry(b("k"), b("two"))), Scans.allSorted(two));
  }

  @Test
  @Tag("capability:ORDERED_SCANS")
  void aKeyspaceCursorHonoursItsRangeAndDirectionAndSeesNoOtherKeyspace() {
    requires(Capability.ORDERED_SCANS);
    StorageEngine e = openStore();
    Keyspace k = e.createKeyspace("ordered");
    for (String key : List.of("a", "b", "c", "d")) {
      k.put(b(key), b("k-" + key));
      e.put(b(key + "x"), b("default"));
    }
    assertEquals(
        List.of(new Scans.Entry(b("c"), b("k-c")), new Scans.Entry(b("b"), b("k-b"))),
        Scans.scan(
            k,
            new KeyRange(new KeyRange.Bound(b("b"), true), new KeyRange.Bound(b("c"), true)),
            Direction.REVERSE));
    try (var c = k.cursor(KeyRange.all(), Direction.FORWARD)) {
      c.seek(b("bb"));
      assertEquals(
          List.of(new Scans.Entry(b("c"), b("k-c")), new Scans.Entry(b("d"), b("k-d"))),
          Scans.drain(c));
    }
  }

  @Test
  @Tag("capability:ATOMIC_BATCHES")
  void aBatchSpanningKeyspacesAppliesEveryOperation() {
    requires(Capability.ATOMIC_BATCHES);
    StorageEngine e = openStore();
    Keyspace one = e.createKeyspace("one");
    Keyspace two = e.createKeyspace("two");
    two.put(b("gone"), b("x"));
    e.write(
        new WriteBatch()
            .put(b("k"), b("default"))
            .put("one", b("k"), b("one"))
            .put("one", b("k"), b("one, again"))
            .delete("two", b("gone"))
            .put("two", b("new"), b("two")));
    assertArrayEquals(b("default"), e.get(b("k")));
    assertArrayEquals(b("one, again"), one.get(b("k")), "a later operation on the key wins");
    assertNull(two.get(b("gone")));
    assertArrayEquals(b("two"), two.get(b("new")));
    assertNull(e.get(b("new")), "an operation on 'two' landed in the default keyspace");
  }

  /**
   * A writer puts round {@code r} into one key of each of three keyspaces, in one batch per round;
   * readers read the keys one after another, in both orders, and must never see a later key older
   * than an earlier one (which part of a batch does, whichever keyspace the engine applies first),
   * and readers of a snapshot must see all three equal.
   */
  @Test
  @Tag("capability:ATOMIC_BATCHES")
  void readersNeverSeePartOfABatchAcrossKeyspaces() throws Exception {
    requires(Capability.ATOMIC_BATCHES);
    StorageEngine e = openStore();
    List<String> names = List.of(Keyspace.DEFAULT, "left", "right");
    e.createKeyspace("left");
    e.createKeyspace("right");
    WriteBatch first = new WriteBatch();
    names.forEach(n -> first.put(n, b("round"), round(0)));
    e.write(first);
    AtomicBoolean done = new AtomicBoolean();
    List<String> torn = Collections.synchronizedList(new ArrayList<>());
    ConcurrencyTests.concurrently(
        4,
        t -> {
          if (t == 0) {
            for (int r = 1; r <= 400 && torn.isEmpty(); r++) {
              WriteBatch batch = new WriteBatch();
              for (String n : names) {
                batch.put(n, b("round"), round(r));
              }
              e.write(batch);
            }
            done.set(true);
            return;
          }
          List<String> order = new ArrayList<>(names);
          if (t == 2) {
            Collections.reverse(order);
          }
          List<Keyspace> handles = new ArrayList<>();
          for (String n : order) {
            handles.add(e.keyspace(n));
          }
          while (!done.get()) {
            if (t == 3) {
              if (!declares(Capability.SNAPSHOTS)) {
                return;
              }
              try (Snapshot s = e.snapshot()) {
                List<Integer> seen = new ArrayList<>();
                for (String n : names) {
                  seen.add(round(s.keyspace(n).get(b("round"))));
                }
                if (seen.stream().distinct().count() > 1 && torn.size() < 5) {
                  torn.add("a snapshot saw rounds " + seen + " in " + names);
                }
              }
              continue;
            }
            int previous = -1;
            List<Integer> seen = new ArrayList<>();
            for (Keyspace k : handles) {
              int r = round(k.get(b("round")));
              seen.add(r);
              if (r < previous) {
                if (torn.size() < 5) {
                  torn.add("read " + order + " one after another and saw rounds " + seen);
                }
                break;
              }
              previous = r;
            }
          }
        });
    assertEquals(List.of(), torn, "a reader saw part of a batch spanning keyspaces");
  }

  private static byte[] round(int r) {
    return ByteBuffer.allocate(4).putInt(r).array();
  }

  private static int round(byte[] v) {
    return ByteBuffer.wrap(v).getInt();
  }

  @Test
  @Tag("capability:SNAPSHOTS")
  void aSnapshotCoversEveryKeyspaceAndStillSeesOneDroppedAfterIt() {
    requires(Capability.SNAPSHOTS);
    StorageEngine e = openStore();
    Keyspace kept = e.createKeyspace("kept");
    Keyspace doomed = e.createKeyspace("doomed");
    e.put(b("k"), b("default-old"));
    kept.put(b("k"), b("kept-old"));
    doomed.put(b("k"), b("doomed-old"));
    doomed.put(b("j"), b("doomed-j"));
    try (Snapshot s = e.snapshot()) {
      e.put(b("k"), b("default-new"));
      kept.put(b("k"), b("kept-new"));
      kept.put(b("later"), b("x"));
      e.dropKeyspace("doomed");
      e.createKeyspace("after");
      assertArrayEquals(b("default-old"), s.get(b("k")));
      assertArrayEquals(b("default-old"), s.keyspace(Keyspace.DEFAULT).get(b("k")));
      ReadView keptThen = s.keyspace("kept");
      assertArrayEquals(b("kept-old"), keptThen.get(b("k")));
      assertNull(keptThen.get(b("later")), "the snapshot sees a put made after it");
      ReadView doomedThen = s.keyspace("doomed");
      assertArrayEquals(b("doomed-old"), doomedThen.get(b("k")));
      assertEquals(
          List.of(new Scans.Entry(b("j"), b("doomed-j")), new Scans.Entry(b("k"), b("doomed-old"))),
          Scans.allSorted(doomedThen),
          "a keyspace dropped after the snapshot, through the snapshot");
      assertThrows(
          InvalidArgumentException.class,
          () -> s.keyspace("after"),
          "a keyspace created after the snapshot is in it");
      assertThrows(InvalidArgumentException.class, () -> s.keyspace("never"));
      assertArrayEquals(b("kept-new"), kept.get(b("k")));
    }
  }

  @Test
  void handlesOfADroppedKeyspaceThrowInvalidStateException() {
    StorageEngine e = openStore();
    Keyspace k = e.createKeyspace("doomed");
    k.put(b("a"), b("1"));
    Keyspace second = e.keyspace("doomed");
    e.dropKeyspace("doomed");
    for (Keyspace h : List.of(k, second)) {
      Map<String, Executable> calls = new LinkedHashMap<>();
      calls.put("get", () -> h.get(b("a")));
      calls.put("put", () -> h.put(b("a"), b("2")));
      calls.put("put SYNC", () -> h.put(b("a"), b("2"), Durability.SYNC));
      calls.put("delete", () -> h.delete(b("a")));
      calls.put("cursor", () -> h.cursor().close());
      calls.put("statistics", h::statistics);
      calls.forEach(
          (name, call) ->
              assertThrows(InvalidStateException.class, call, name + " on a dropped keyspace"));
    }
    assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
    assertEquals(List.of(), Scans.all(e), "the dropped keyspace's key reached the default one");
  }

  @Test
  void aKeyspaceCreatedAgainAfterADropIsEmpty() {
    StorageEngine e = openStore();
    Keyspace k = e.createKeyspace("again");
    for (int i = 0; i < 50; i++) {
      k.put(b("k" + i), b("v" + i));
    }
    e.dropKeyspace("again");
    Keyspace fresh = e.createKeyspace("again");
    assertNull(fresh.get(b("k7")), "a key of the dropped keyspace survived in its successor");
    assertEquals(List.of(), Scans.all(fresh));
    fresh.put(b("k7"), b("new"));
    assertArrayEquals(b("new"), e.keyspace("again").get(b("k7")));
  }

  @Test
  void theDefaultKeyspaceAndMissingOnesCannotBeDroppedNorExistingOnesCreated() {
    StorageEngine e = openStore();
    Keyspace k = e.createKeyspace("exists");
    k.put(b("a"), b("1"));
    e.put(b("a"), b("default"));
    assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(Keyspace.DEFAULT));
    assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace("missing"));
    assertThrows(InvalidArgumentException.class, () -> e.createKeyspace("exists"));
    assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(Keyspace.DEFAULT));
    assertThrows(InvalidArgumentException.class, () -> e.keyspace("missing"));
    assertEquals(List.of("default", "exists"), e.keyspaces(), "a refused call changed the list");
    assertArrayEquals(b("1"), e.keyspace("exists").get(b("a")), "creating it again emptied it");
    assertArrayEquals(b("default"), e.get(b("a")));
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "",
        "-leading-dash",
        ".leading-dot",
        "has space",
        "slash/inside",
        "colon:inside",
        "ünïcode",
        "a12345678901234567890123456789012345678901234567890123456789012345"
      })
  void anInvalidNameIsRefusedAndChangesNothing(String name) {
    StorageEngine e = openStore();
    assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(name));
    assertThrows(InvalidArgumentException.class, () -> e.keyspace(name));
    assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(name));
    assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
  }

  @Test
  void aNullNameIsRefused() {
    StorageEngine e = openStore();
    assertThrows(InvalidArgumentException.class, () -> e.createKeyspace(null));
    assertThrows(InvalidArgumentException.class, () -> e.keyspace(null));
    assertThrows(InvalidArgumentException.class, () -> e.dropKeyspace(null));
    assertEquals(List.of(Keyspace.DEFAULT), e.keyspaces());
  }

  @Test
  @Tag("capability:ATOMIC_BATCHES")
  void aBatchNamingAMissingKeyspaceAppliesNothing() {
    requires(Capability.ATOMIC_BATCHES);
    StorageEngine e = openStore();
    Keyspace k = e.createKeyspace("present");
    e.put(b("d"), b("before"));
    WriteBatch batch =
        new WriteBatch()
            .put(b("a"), b("1"))
            .delete(b("d"))
            .put("present", b("a"), b("1"))
            .put("missing", b("a"), b("1"));
    assertThrows(InvalidArgumentException.class, () -> e.write(batch));
    assertNull(e.get(b("a")), "the default keyspace's put was applied");
    assertArrayEquals(b("before"), e.get(b("d")), "the default keyspace's delete was applied");
    assertNull(k.get(b("a")), "the put to 'present' was applied");
    assertEquals(List.of("default", "present"), e.keyspaces(), "the batch created a keyspace");
  }

  @Test
  @Tag("capability:DURABLE")
  void keyspacesAndTheirKeysSurviveAReopen() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    StorageEngine e = stores.openNamingKeyspaces(dir, o -> o);
    e.createKeyspace("kept").put(b("k"), b("kept"));
    e.createKeyspace("dropped").put(b("k"), b("dropped"));
    e.createKeyspace("emptied").put(b("k"), b("x"));
    e.keyspace("emptied").delete(b("k"));
    e.put(b("k"), b("default"));
    e.dropKeyspace("dropped");
    e.close();
    StorageEngine again = stores.openNamingKeyspaces(dir, o -> o.createIfMissing(false));
    assertEquals(List.of("default", "emptied", "kept"), again.keyspaces());
    assertArrayEquals(b("kept"), again.keyspace("kept").get(b("k")));
    assertArrayEquals(b("default"), again.get(b("k")));
    assertEquals(List.of(), Scans.all(again.keyspace("emptied")));
    Keyspace recreated = again.createKeyspace("dropped");
    assertNull(recreated.get(b("k")), "a dropped keyspace's key came back after a reopen");
  }

  /**
   * Each keyspace's statistics count its own keys (approximately: within a factor of two, or -1 for
   * unknown), not the store's.
   */
  @Test
  void eachKeyspaceCountsItsOwnKeys() {
    StorageEngine e = openStore();
    Keyspace full = e.createKeyspace("full");
    Keyspace empty = e.createKeyspace("empty");
    for (int i = 0; i < 200; i++) {
      full.put(b("k" + i), b("v" + i));
      e.put(b("d" + i), b("v"));
    }
    for (int i = 0; i < 200; i++) {
      e.put(b("more" + i), b("v"));
    }
    EngineStatistics f = full.statistics();
    EngineStatistics n = empty.statistics();
    long keys = f.approximateKeys();
    assertTrue(
        keys == -1 || (keys >= 100 && keys <= 400),
        () -> "a keyspace of 200 keys, in a store of 600, reports " + f);
    assertTrue(
        n.approximateKeys() == -1 || n.approximateKeys() < 100,
        () -> "an empty keyspace reports " + n);
  }
}
