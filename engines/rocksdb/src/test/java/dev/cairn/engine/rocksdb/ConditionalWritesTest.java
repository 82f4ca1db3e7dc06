package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static dev.cairn.engine.rocksdb.Fixtures.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.conformance.linearizability.Call;
import dev.cairn.conformance.linearizability.LinearizabilityChecker;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conditional writes under concurrency: checked and applied atomically against every other write
 * ({@link Writer}'s lock), proven with the suite's linearizability checker and an exact counter.
 */
class ConditionalWritesTest {

  private static final int THREADS = 4;

  @TempDir Path tmp;

  @Test
  void theConveniencesAnswerWhetherTheyApplied() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      assertTrue(e.putIfAbsent(b("k"), b("1")));
      assertFalse(e.putIfAbsent(b("k"), b("2")));
      assertEquals("1", s(e.get(b("k"))));
      assertFalse(e.replace(b("k"), b("2"), b("3")));
      assertTrue(e.replace(b("k"), b("1"), b("3"), Durability.BUFFERED));
      assertFalse(e.deleteIfEquals(b("k"), b("1")));
      assertEquals("3", s(e.get(b("k"))));
      assertTrue(e.deleteIfEquals(b("k"), b("3")));
      assertNull(e.get(b("k")));
      assertFalse(e.replace(b("k"), b("3"), b("4")), "an absent key holds no value");
      assertTrue(e.replace(b("empty"), new byte[0], b("x")) == false, "absent is not empty");
      e.put(b("empty"), new byte[0]);
      assertTrue(e.replace(b("empty"), new byte[0], b("x")), "the empty value is a value");
    }
  }

  @Test
  void aFailedPreconditionAppliesNothingAndNamesTheKey() {
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace t = e.createKeyspace("t");
      e.put(b("a"), b("1"));
      t.put(b("b"), b("2"));
      WriteBatch batch =
          new WriteBatch()
              .requireValue(b("a"), b("1"))
              .requireAbsent("t", b("b"))
              .put(b("a"), b("changed"))
              .delete("t", b("b"))
              .put(b("new"), b("x"));
      ConflictException x = assertThrows(ConflictException.class, () -> e.write(batch));
      assertEquals("t", x.keyspace());
      assertArrayEquals(b("b"), x.key());
      assertEquals(
          "precondition failed: key 62 in keyspace 't' is present; nothing of the batch was"
              + " applied",
          x.getMessage());
      assertEquals("1", s(e.get(b("a"))));
      assertEquals("2", s(t.get(b("b"))));
      assertNull(e.get(b("new")));

      // preconditions alone: checked, nothing written
      e.write(new WriteBatch().requireValue(b("a"), b("1")).requireAbsent(b("zz")));
      assertThrows(ConflictException.class, () -> e.write(new WriteBatch().requireAbsent(b("a"))));
      assertTrue(t.putIfAbsent(b("c"), b("3"), Durability.SYNC));
      assertTrue(t.replace(b("c"), b("3"), b("4"), Durability.SYNC));
      assertFalse(t.deleteIfEquals(b("c"), b("3"), Durability.SYNC));
      assertTrue(t.deleteIfEquals(b("c"), b("4"), Durability.SYNC));
      assertNull(t.get(b("c")));
    }
  }

  private static byte[] encode(int value) {
    return ByteBuffer.allocate(4).putInt(value).array();
  }

  private static int decode(byte[] v) {
    return v == null ? Call.ABSENT : ByteBuffer.wrap(v).getInt();
  }

  /**
   * Four threads mix gets, puts, deletes, putIfAbsent, replace and deleteIfEquals on three keys,
   * one of them in another keyspace; the history must be linearizable.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23, 24})
  void historiesOfConditionalWritesAreLinearizable(long seed) throws Exception {
    int keys = 3;
    int calls = 150;
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace other = e.createKeyspace("other");
      List<List<Call>> perThread = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        perThread.add(new ArrayList<>());
      }
      Fixtures.concurrently(
          THREADS,
          t -> {
            Random r = new Random(seed * 31 + t);
            List<Call> mine = perThread.get(t);
            int[] lastSeen = new int[keys];
            java.util.Arrays.fill(lastSeen, Call.ABSENT);
            for (int i = 0; i < calls; i++) {
              int key = r.nextInt(keys);
              byte[] k = b("lin" + key);
              boolean inOther = key == keys - 1;
              int value = t * 100_000 + i;
              int expected = lastSeen[key];
              int roll = r.nextInt(20);
              long start = System.nanoTime();
              if (roll < 6) {
                int got = decode(inOther ? other.get(k) : e.get(k));
                mine.add(new Call(t, Call.Kind.GET, key, got, start, System.nanoTime()));
                lastSeen[key] = got;
              } else if (roll < 9) {
                if (inOther) {
                  other.put(k, encode(value), Durability.BUFFERED);
                } else {
                  e.put(k, encode(value), Durability.BUFFERED);
                }
                mine.add(new Call(t, Call.Kind.PUT, key, value, start, System.nanoTime()));
              } else if (roll < 10) {
                if (inOther) {
                  other.delete(k, Durability.BUFFERED);
                } else {
                  e.delete(k, Durability.BUFFERED);
                }
                mine.add(new Call(t, Call.Kind.DELETE, key, Call.ABSENT, start, System.nanoTime()));
              } else if (roll < 17 || expected == Call.ABSENT) {
                // putIfAbsent when the key was last seen absent, else replace what was seen
                boolean applied;
                if (expected == Call.ABSENT) {
                  applied =
                      inOther
                          ? other.putIfAbsent(k, encode(value), Durability.BUFFERED)
                          : e.putIfAbsent(k, encode(value), Durability.BUFFERED);
                } else {
                  applied =
                      inOther
                          ? other.replace(k, encode(expected), encode(value), Durability.BUFFERED)
                          : e.replace(k, encode(expected), encode(value), Durability.BUFFERED);
                }
                mine.add(
                    Call.conditional(
                        t, key, expected, value, false, applied, start, System.nanoTime()));
                if (applied) {
                  lastSeen[key] = value;
                }
              } else {
                boolean applied =
                    inOther
                        ? other.deleteIfEquals(k, encode(expected), Durability.BUFFERED)
                        : e.deleteIfEquals(k, encode(expected), Durability.BUFFERED);
                mine.add(
                    Call.conditional(
                        t, key, expected, Call.ABSENT, true, applied, start, System.nanoTime()));
                if (applied) {
                  lastSeen[key] = Call.ABSENT;
                }
              }
            }
          });
      List<Call> history = new ArrayList<>();
      perThread.forEach(history::addAll);
      long conditional =
          history.stream()
              .filter(
                  c ->
                      c.applied()
                          && c.kind() != Call.Kind.GET
                          && c.kind() != Call.Kind.PUT
                          && c.kind() != Call.Kind.DELETE)
              .count();
      assertTrue(conditional > 0, "seed " + seed + ": no conditional write applied");
      Optional<String> problem = LinearizabilityChecker.check(history);
      problem.ifPresent(p -> fail("seed " + seed + ": " + p));
    }
  }

  /** Four threads each add 1 to one counter 250 times, by replace with retries: none is lost. */
  @Test
  void aCounterIncrementedByReplaceLosesNoIncrement() throws Exception {
    int perThread = 250;
    try (RocksDbEngine e = Fixtures.open(tmp.resolve("db"))) {
      Keyspace t = e.createKeyspace("t");
      e.put(b("counter"), encode(0));
      t.put(b("counter"), encode(0));
      AtomicLong retries = new AtomicLong();
      Fixtures.concurrently(
          THREADS,
          thread -> {
            for (int i = 0; i < perThread; i++) {
              // the default keyspace through the store, another through a keyspace handle
              while (true) {
                byte[] current = e.get(b("counter"));
                if (e.replace(
                    b("counter"), current, encode(decode(current) + 1), Durability.BUFFERED)) {
                  break;
                }
                retries.incrementAndGet();
              }
              while (true) {
                byte[] current = t.get(b("counter"));
                if (t.replace(
                    b("counter"), current, encode(decode(current) + 1), Durability.BUFFERED)) {
                  break;
                }
                retries.incrementAndGet();
              }
              e.put(b("noise" + thread), encode(i), Durability.BUFFERED); // plain writes between
            }
          });
      System.out.println("counter: " + retries.get() + " retries");
      assertEquals(THREADS * perThread, decode(e.get(b("counter"))));
      assertEquals(THREADS * perThread, decode(t.get(b("counter"))));
    }
  }
}
