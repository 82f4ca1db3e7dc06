package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.linearizability.Call;
import dev.cairn.conformance.linearizability.LinearizabilityChecker;
import dev.cairn.spi.Capability;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conditional writes ({@link Capability#CONDITIONAL_WRITES}): a batch's preconditions, checked
 * against the state the batch finds and atomically with applying it; a failed one throws {@link
 * ConflictException} naming its keyspace and key and applies nothing of the batch; the {@code
 * putIfAbsent}, {@code replace} and {@code deleteIfEquals} forms; and, under concurrency, an exact
 * counter and linearizable histories. The refusal without the capability is in {@link
 * CapabilityTests}.
 */
@Tag("capability:CONDITIONAL_WRITES")
abstract class ConditionalWriteTests extends ConformanceGroup {

  private static final int THREADS = 4;

  @BeforeEach
  void needsConditionalWrites() {
    requires(Capability.CONDITIONAL_WRITES);
  }

  @Test
  void aBatchWhosePreconditionsHoldIsApplied() {
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("empty"), new byte[0]);
    e.write(
        new WriteBatch()
            .requireValue(b("a"), b("1"))
            .requireAbsent(b("b"))
            .requireValue(b("empty"), new byte[0])
            .put(b("a"), b("2"))
            .put(b("b"), b("new")));
    assertArrayEquals(b("2"), e.get(b("a")));
    assertArrayEquals(b("new"), e.get(b("b")));
  }

  /** Each way a precondition fails: another value, absence, presence, empty against absent. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "value differs",
        "value required of an absent key",
        "absence required of a present key",
        "empty value required of an absent key",
        "absence required of a key holding the empty value",
        "value required is a prefix of the value held"
      })
  void aFailedPreconditionThrowsConflictAndAppliesNothing(String how) {
    StorageEngine e = open();
    e.put(b("present"), b("value"));
    e.put(b("empty"), new byte[0]);
    e.put(b("other"), b("before"));
    WriteBatch batch =
        switch (how) {
          case "value differs" -> new WriteBatch().requireValue(b("present"), b("other value"));
          case "value required of an absent key" ->
              new WriteBatch().requireValue(b("absent"), b("value"));
          case "absence required of a present key" -> new WriteBatch().requireAbsent(b("present"));
          case "empty value required of an absent key" ->
              new WriteBatch().requireValue(b("absent"), new byte[0]);
          case "absence required of a key holding the empty value" ->
              new WriteBatch().requireAbsent(b("empty"));
          case "value required is a prefix of the value held" ->
              new WriteBatch().requireValue(b("present"), b("val"));
          default -> throw new IllegalArgumentException(how);
        };
    batch.put(b("present"), b("changed")).delete(b("other")).put(b("new"), b("x"));
    assertThrows(ConflictException.class, () -> e.write(batch), how);
    assertArrayEquals(b("value"), e.get(b("present")), "the batch's put was applied");
    assertArrayEquals(b("before"), e.get(b("other")), "the batch's delete was applied");
    assertNull(e.get(b("new")), "the batch's put of a new key was applied");
    assertArrayEquals(new byte[0], e.get(b("empty")));
  }

  @Test
  void aConflictNamesTheKeyspaceAndKeyThatFailed() {
    StorageEngine e = open();
    byte[] key = {0x00, 0x7F, (byte) 0x80, (byte) 0xFF};
    e.put(key, b("held"));
    ConflictException c =
        assertThrows(
            ConflictException.class,
            () -> e.write(new WriteBatch().requireAbsent(b("free")).requireAbsent(key)));
    assertEquals(Keyspace.DEFAULT, c.keyspace());
    assertArrayEquals(key, c.key(), "the exception names another key");
    assertTrue(
        c.getMessage() != null && c.getMessage().contains(HexFormat.of().formatHex(key)),
        () -> "the message does not name the key in hex: " + c.getMessage());
  }

  @Test
  @Tag("capability:KEYSPACES")
  void aConflictInAKeyspaceNamesItAndAppliesNothingInAnyKeyspace() {
    requires(Capability.KEYSPACES);
    StorageEngine e = stores.openNamingKeyspaces();
    Keyspace left = e.createKeyspace("left");
    Keyspace right = e.createKeyspace("right");
    left.put(b("k"), b("held"));
    ConflictException c =
        assertThrows(
            ConflictException.class,
            () ->
                e.write(
                    new WriteBatch()
                        .requireAbsent(b("k"))
                        .requireAbsent("left", b("k"))
                        .put(b("k"), b("default"))
                        .put("right", b("k"), b("right"))
                        .delete("left", b("k"))));
    assertEquals("left", c.keyspace(), "the exception names another keyspace");
    assertArrayEquals(b("k"), c.key());
    assertTrue(
        c.getMessage().contains("left"),
        () -> "the message does not name the keyspace: " + c.getMessage());
    assertNull(e.get(b("k")), "applied in the default keyspace");
    assertNull(right.get(b("k")), "applied in 'right'");
    assertArrayEquals(b("held"), left.get(b("k")), "applied in 'left'");
    // The same key absent in one keyspace and present in another: each precondition reads its own.
    e.write(new WriteBatch().requireAbsent(b("k")).requireValue("left", b("k"), b("held")));
    assertTrue(right.putIfAbsent(b("k"), b("r"), Durability.BUFFERED));
    assertFalse(left.putIfAbsent(b("k"), b("l"), Durability.BUFFERED));
    assertTrue(left.replace(b("k"), b("held"), b("l2"), Durability.BUFFERED));
    assertTrue(left.deleteIfEquals(b("k"), b("l2"), Durability.BUFFERED));
    assertNull(left.get(b("k")));
    assertArrayEquals(b("r"), right.get(b("k")));
  }

  @Test
  void everyPreconditionIsCheckedNotOnlyTheFirst() {
    StorageEngine e = open();
    e.put(b("a"), b("1"));
    e.put(b("b"), b("2"));
    WriteBatch batch =
        new WriteBatch()
            .requireValue(b("a"), b("1"))
            .requireAbsent(b("c"))
            .requireValue(b("b"), b("not 2"))
            .put(b("a"), b("changed"));
    ConflictException c = assertThrows(ConflictException.class, () -> e.write(batch));
    assertArrayEquals(b("b"), c.key(), "the exception names a precondition that held");
    assertArrayEquals(b("1"), e.get(b("a")));
  }

  /**
   * Preconditions read the state the batch finds, before any of its operations: a batch that
   * requires a key's old value and overwrites it applies; one that requires the value it is about
   * to write conflicts.
   */
  @Test
  void preconditionsReadTheStateBeforeTheBatch() {
    StorageEngine e = open();
    e.put(b("k"), b("old"));
    e.write(new WriteBatch().put(b("k"), b("new")).requireValue(b("k"), b("old")));
    assertArrayEquals(b("new"), e.get(b("k")));
    assertThrows(
        ConflictException.class,
        () -> e.write(new WriteBatch().put(b("j"), b("mine")).requireValue(b("j"), b("mine"))));
    assertNull(e.get(b("j")));
    assertThrows(
        ConflictException.class,
        () -> e.write(new WriteBatch().delete(b("k")).requireAbsent(b("k"))));
    assertArrayEquals(b("new"), e.get(b("k")));
  }

  @Test
  void aBatchOfOnlyPreconditionsChangesNothingEitherWay() {
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    e.write(new WriteBatch().requireValue(b("k"), b("v")));
    assertThrows(ConflictException.class, () -> e.write(new WriteBatch().requireAbsent(b("k"))));
    assertEquals(List.of(new Scans.Entry(b("k"), b("v"))), Scans.allSorted(e));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void putIfAbsentStoresOnlyWhenAbsent(Durability d) {
    StorageEngine e = open();
    assertTrue(e.putIfAbsent(b("k"), b("first"), d), "absent, but not stored");
    assertArrayEquals(b("first"), e.get(b("k")));
    assertFalse(e.putIfAbsent(b("k"), b("second"), d), "present, but reported stored");
    assertArrayEquals(b("first"), e.get(b("k")), "present, but overwritten");
    e.put(b("empty"), new byte[0]);
    assertFalse(e.putIfAbsent(b("empty"), b("x"), d), "an empty value is not absence");
    e.delete(b("k"));
    assertTrue(e.putIfAbsent(b("k"), b("third")), "absent again after a delete");
    assertArrayEquals(b("third"), e.get(b("k")));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void replaceSwapsOnlyTheExpectedValue(Durability d) {
    StorageEngine e = open();
    assertFalse(e.replace(b("k"), b("x"), b("y"), d), "replaced an absent key");
    assertNull(e.get(b("k")), "replace of an absent key stored it");
    e.put(b("k"), b("one"));
    assertFalse(e.replace(b("k"), b("two"), b("three"), d), "replaced an unexpected value");
    assertArrayEquals(b("one"), e.get(b("k")));
    assertTrue(e.replace(b("k"), b("one"), b("two"), d), "did not replace the expected value");
    assertArrayEquals(b("two"), e.get(b("k")));
    assertTrue(e.replace(b("k"), b("two"), new byte[0]));
    assertTrue(e.replace(b("k"), new byte[0], b("back")), "the empty value is a value");
    assertArrayEquals(b("back"), e.get(b("k")));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void deleteIfEqualsDeletesOnlyTheExpectedValue(Durability d) {
    StorageEngine e = open();
    assertFalse(e.deleteIfEquals(b("k"), b("x"), d), "deleted an absent key");
    e.put(b("k"), b("v"));
    assertFalse(e.deleteIfEquals(b("k"), b("w"), d), "deleted an unexpected value");
    assertArrayEquals(b("v"), e.get(b("k")));
    assertTrue(e.deleteIfEquals(b("k"), b("v"), d), "did not delete the expected value");
    assertNull(e.get(b("k")));
    assertFalse(e.deleteIfEquals(b("k"), b("v")), "deleted a key twice");
  }

  /**
   * Threads increment one counter by read, then {@code replace(old, old + 1)}, retrying on failure;
   * the counter must end at exactly the number of increments. An engine that checks the
   * precondition apart from the write loses some.
   */
  @Test
  void concurrentReplacesKeepAnExactCount() throws Exception {
    StorageEngine e = open();
    int perThread = 300;
    e.put(b("counter"), counter(0));
    AtomicInteger retries = new AtomicInteger();
    ConcurrencyTests.concurrently(
        THREADS,
        t -> {
          for (int i = 0; i < perThread; i++) {
            while (true) {
              byte[] old = e.get(b("counter"));
              byte[] next = counter(ByteBuffer.wrap(old).getInt() + 1);
              if (e.replace(b("counter"), old, next)) {
                break;
              }
              retries.incrementAndGet();
            }
          }
        });
    assertEquals(
        THREADS * perThread,
        ByteBuffer.wrap(e.get(b("counter"))).getInt(),
        "increments were lost (" + retries.get() + " retries)");
  }

  /** Of threads racing to {@code putIfAbsent} the same keys, exactly one wins each key. */
  @Test
  void exactlyOnePutIfAbsentWinsARace() throws Exception {
    StorageEngine e = open();
    int keys = 200;
    int[][] wins = new int[THREADS][keys];
    ConcurrencyTests.concurrently(
        THREADS,
        t -> {
          for (int k = 0; k < keys; k++) {
            if (e.putIfAbsent(b("race" + k), b("t" + t))) {
              wins[t][k]++;
            }
          }
        });
    List<String> wrong = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      int winners = 0;
      int winner = -1;
      for (int t = 0; t < THREADS; t++) {
        winners += wins[t][k];
        if (wins[t][k] > 0) {
          winner = t;
        }
      }
      byte[] stored = e.get(b("race" + k));
      if (winners != 1 || !Arrays.equals(stored, b("t" + winner))) {
        wrong.add(
            "race"
                + k
                + ": "
                + winners
                + " winners, stored "
                + (stored == null
                    ? "nothing"
                    : new String(stored, java.nio.charset.StandardCharsets.UTF_8)));
      }
    }
    assertEquals(List.of(), wrong);
  }

  private static byte[] counter(int n) {
    return ByteBuffer.allocate(4).putInt(n).array();
  }

  /**
   * Threads call get, put, delete, putIfAbsent, replace and deleteIfEquals on a few keys; the
   * recorded history, with each conditional call's outcome, must be linearizable (the suite's
   * Wing–Gong checker).
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void conditionalHistoriesAreLinearizable(long seed) throws Exception {
    StorageEngine e = open();
    int keys = 3;
    int calls = 120;
    List<List<Call>> perThread = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      perThread.add(new ArrayList<>());
    }
    ConcurrencyTests.concurrently(
        THREADS,
        t -> {
          Random r = new Random(seed * 31 + t);
          List<Call> mine = perThread.get(t);
          int lastSeen = Call.ABSENT;
          for (int i = 0; i < calls; i++) {
            int key = r.nextInt(keys);
            byte[] k = b("lin" + key);
            int value = t * 100_000 + i;
            int roll = r.nextInt(12);
            long start = System.nanoTime();
            if (roll < 4) {
              byte[] v = e.get(k);
              long end = System.nanoTime();
              lastSeen = v == null ? Call.ABSENT : ByteBuffer.wrap(v).getInt();
              mine.add(new Call(t, Call.Kind.GET, key, lastSeen, start, end));
            } else if (roll < 5) {
              e.put(k, counter(value));
              mine.add(new Call(t, Call.Kind.PUT, key, value, start, System.nanoTime()));
            } else if (roll < 6) {
              e.delete(k);
              mine.add(new Call(t, Call.Kind.DELETE, key, Call.ABSENT, start, System.nanoTime()));
            } else if (roll < 8) {
              boolean applied = e.putIfAbsent(k, counter(value));
              mine.add(Call.putIfAbsent(t, key, value, applied, start, System.nanoTime()));
            } else if (roll < 11) {
              // Mostly the last value this thread read, so that some replaces apply.
              int expected = lastSeen == Call.ABSENT ? value - 1 : lastSeen;
              boolean applied = e.replace(k, counter(expected), counter(value));
              mine.add(Call.replace(t, key, expected, value, applied, start, System.nanoTime()));
            } else {
              int expected = lastSeen == Call.ABSENT ? value - 1 : lastSeen;
              boolean applied = e.deleteIfEquals(k, counter(expected));
              mine.add(Call.deleteIfEquals(t, key, expected, applied, start, System.nanoTime()));
            }
          }
        });
    List<Call> history = new ArrayList<>();
    perThread.forEach(history::addAll);
    long conditionalApplied =
        history.stream()
            .filter(c -> c.kind() == Call.Kind.REPLACE || c.kind() == Call.Kind.PUT_IF_ABSENT)
            .filter(Call::applied)
            .count();
    assertTrue(conditionalApplied > 0, "no conditional write applied: the history proves little");
    Optional<String> problem = LinearizabilityChecker.check(history);
    problem.ifPresent(p -> fail("seed " + seed + ": " + p));
  }
}
