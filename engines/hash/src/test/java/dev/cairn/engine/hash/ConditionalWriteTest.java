package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static dev.cairn.engine.hash.TestStores.open;
import static dev.cairn.engine.hash.TestStores.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conditional batches ({@code CONDITIONAL_WRITES}): preconditions checked by the group-commit
 * leader, atomically with the batch, against every write acknowledged so far, synced or not.
 */
class ConditionalWriteTest {

  @TempDir Path dir;

  /** Small files, so that concurrent writers also cross file rolls. */
  private static final Map<String, String> SMALL = Map.of("file.size", "16k");

  private static long sequence(HashEngine e) {
    return e.statistics().details().get("sequence");
  }

  @Test
  void theProviderDeclaresConditionalWrites() {
    assertTrue(new HashEngineProvider().capabilities().contains(Capability.CONDITIONAL_WRITES));
  }

  @Test
  void putIfAbsentReplaceAndDeleteIfEqualsSeeTheLatestStateTombstonesIncluded() {
    try (HashEngine e = open(dir, Map.of())) {
      assertTrue(e.putIfAbsent(b("k"), b("1")));
      assertFalse(e.putIfAbsent(b("k"), b("2")));
      assertEquals("1", s(e.get(b("k"))));
      assertFalse(e.replace(b("k"), b("2"), b("3")));
      assertTrue(e.replace(b("k"), b("1"), b("3")));
      assertEquals("3", s(e.get(b("k"))));
      assertFalse(e.replace(b("absent"), b(""), b("x")), "absent is not the empty value");
      assertFalse(e.deleteIfEquals(b("k"), b("1")));
      assertTrue(e.deleteIfEquals(b("k"), b("3")));
      assertNull(e.get(b("k")));
      assertTrue(e.putIfAbsent(b("k"), b("4")), "a deleted key is absent");
      e.put(b("empty"), b(""), Durability.BUFFERED);
      assertFalse(e.putIfAbsent(b("empty"), b("x")), "an empty value is present");
      assertTrue(e.replace(b("empty"), b(""), b("y")));
    }
  }

  @Test
  void aFailedBatchThrowsNamingItsKeyAndLeavesNoRecordOnDisk() throws IOException {
    long before;
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("k"), b("v1"), Durability.SYNC);
      before = sequence(e);
      WriteBatch batch =
          new WriteBatch()
              .requireAbsent(b("other"))
              .requireValue(b("k"), b("not-v1"))
              .put(b("k"), b("never-written-1"))
              .put(b("other"), b("never-written-2"))
              .delete(b("k"));
      ConflictException c =
          assertThrows(ConflictException.class, () -> e.write(batch, Durability.SYNC));
      assertArrayEquals(b("k"), c.key());
      assertTrue(c.getMessage().contains("6b"), c.getMessage());
      assertEquals(before, sequence(e), "no sequence number was taken");
      assertEquals("v1", s(e.get(b("k"))));
      assertNull(e.get(b("other")));
      // A batch of preconditions alone writes nothing either way.
      e.write(new WriteBatch().requireValue(b("k"), b("v1")), Durability.SYNC);
      assertThrows(
          ConflictException.class,
          () -> e.write(new WriteBatch().requireAbsent(b("k")), Durability.BUFFERED));
      assertEquals(before, sequence(e));
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(bytes.contains("never-written"), f + " holds a refused write");
      }
    }
    try (HashEngine e = open(dir, Map.of())) {
      assertEquals("v1", s(e.get(b("k"))));
      assertNull(e.get(b("other")));
      assertEquals(before, sequence(e), "recovery found no record of the refused batch");
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
  }

  @Test
  void conditionalBatchesSurviveReopenAndCheckAgainstTheRecoveredState() {
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        Durability d = i % 10 == 0 ? Durability.SYNC : Durability.BUFFERED;
        assertTrue(e.putIfAbsent(b("k" + i), b("a" + i), d));
      }
      for (int i = 0; i < 300; i += 2) {
        assertTrue(e.replace(b("k" + i), b("a" + i), b("b" + i), Durability.BUFFERED), "k" + i);
      }
      for (int i = 0; i < 300; i += 3) {
        assertTrue(e.deleteIfEquals(b("k" + i), b((i % 2 == 0 ? "b" : "a") + i)), "k" + i);
      }
    }
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        String expected = i % 3 == 0 ? null : (i % 2 == 0 ? "b" : "a") + i;
        assertEquals(expected, s(e.get(b("k" + i))), "k" + i);
        assertEquals(expected == null, e.putIfAbsent(b("k" + i), b("c" + i)), "k" + i);
        if (expected != null) {
          assertTrue(e.replace(b("k" + i), b(expected), b("c" + i)), "k" + i);
        }
      }
      assertTrue(e.checkConsistency().isConsistent(), e.checkConsistency().problems()::toString);
    }
    try (HashEngine e = open(dir, SMALL)) {
      for (int i = 0; i < 300; i++) {
        assertEquals("c" + i, s(e.get(b("k" + i))), "k" + i);
      }
    }
  }

  @Test
  void anotherKeyspaceOrARangeDeleteIsRefusedWithNothingWritten() {
    try (HashEngine e = open(dir, Map.of())) {
      long before = sequence(e);
      assertThrows(
          UnsupportedCapabilityException.class,
          () ->
              e.write(
                  new WriteBatch().requireAbsent("other", b("k")).put(b("k"), b("v")),
                  Durability.BUFFERED));
      assertThrows(
          UnsupportedCapabilityException.class,
          () -> e.write(new WriteBatch().put("other", b("k"), b("v")), Durability.BUFFERED));
      assertThrows(
          UnsupportedCapabilityException.class,
          () ->
              e.write(
                  new WriteBatch().deleteRange(dev.cairn.spi.KeyRange.all()), Durability.BUFFERED));
      assertEquals(before, sequence(e));
      assertNull(e.get(b("k")));
    }
  }

  /**
   * Increments a counter from several threads, each by reading it and replacing what it read,
   * retrying on a conflict: every increment counts exactly once only if no write slips between a
   * check and its append.
   */
  @Test
  void aCounterIncrementedWithReplaceFromManyThreadsCountsExactly() throws Exception {
    int threads = 6;
    int increments = 300;
    AtomicInteger conflicts = new AtomicInteger();
    try (HashEngine e = open(dir, SMALL);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Durability d = t == 0 ? Durability.SYNC : Durability.BUFFERED;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  e.putIfAbsent(b("counter"), b("0"), d);
                  for (int i = 0; i < increments; i++) {
                    while (true) {
                      byte[] seen = e.get(b("counter"));
                      byte[] next = b(Integer.toString(Integer.parseInt(s(seen)) + 1));
                      // Unrelated writes in the same groups, so that the leader's overlay is used.
                      e.put(b("noise" + (i % 50)), next, d);
                      if (e.replace(b("counter"), seen, next, d)) {
                        break;
                      }
                      conflicts.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      assertEquals(Integer.toString(threads * increments), s(e.get(b("counter"))));
    }
    System.out.println("ConditionalWriteTest: " + conflicts + " conflicts retried");
    try (HashEngine e = open(dir, SMALL)) {
      assertEquals(Integer.toString(threads * increments), s(e.get(b("counter"))));
    }
  }

  /** Moves amounts between accounts with two-key preconditions: the total never changes. */
  @Test
  void transfersBetweenAccountsKeepTheTotal() throws Exception {
    int threads = 4;
    int accounts = 5;
    int transfers = 200;
    try (HashEngine e = open(dir, SMALL);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int a = 0; a < accounts; a++) {
        e.put(b("acct" + a), b("100"), Durability.BUFFERED);
      }
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < transfers; i++) {
                    int from = (thread + i) % accounts;
                    int to = (from + 1 + i % (accounts - 1)) % accounts;
                    while (true) {
                      byte[] fv = e.get(b("acct" + from));
                      byte[] tv = e.get(b("acct" + to));
                      WriteBatch batch =
                          new WriteBatch()
                              .requireValue(b("acct" + from), fv)
                              .requireValue(b("acct" + to), tv)
                              .put(
                                  b("acct" + from),
                                  b(Integer.toString(Integer.parseInt(s(fv)) - 1)))
                              .put(
                                  b("acct" + to), b(Integer.toString(Integer.parseInt(s(tv)) + 1)));
                      try {
                        e.write(batch, Durability.BUFFERED);
                        break;
                      } catch (ConflictException retry) {
                        // another transfer moved one of the two accounts first
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      int total = 0;
      for (int a = 0; a < accounts; a++) {
        total += Integer.parseInt(s(e.get(b("acct" + a))));
      }
      assertEquals(100 * accounts, total);
    }
  }

  /** Many threads race {@code putIfAbsent} on one key at a time: exactly one wins each. */
  @Test
  void putIfAbsentRacesHaveExactlyOneWinner() throws Exception {
    int threads = 6;
    int rounds = 100;
    try (HashEngine e = open(dir, SMALL);
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      CyclicBarrier start = new CyclicBarrier(threads);
      AtomicInteger[] winners = new AtomicInteger[rounds];
      int[] winner = new int[rounds];
      for (int r = 0; r < rounds; r++) {
        winners[r] = new AtomicInteger();
      }
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < rounds; r++) {
                    start.await();
                    Durability d = r % 4 == 0 ? Durability.SYNC : Durability.BUFFERED;
                    if (e.putIfAbsent(b("race" + r), b("t" + thread), d)) {
                      winners[r].incrementAndGet();
                      winner[r] = thread;
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      for (int r = 0; r < rounds; r++) {
        assertEquals(1, winners[r].get(), "winners of round " + r);
        assertEquals("t" + winner[r], s(e.get(b("race" + r))), "round " + r);
      }
    }
  }

  /** The leader's view within one group: earlier requests of the group count, refused ones not. */
  @Test
  void theLeaderChecksAgainstTheIndexOverlaidWithItsGroupSoFar() {
    try (HashEngine e = open(dir, Map.of())) {
      e.put(b("k"), b("old"), Durability.BUFFERED);
      GroupConditions g = new GroupConditions(e.state());
      g.clear();
      assertNull(g.check(request(new WriteBatch().requireValue(b("k"), b("old")))));
      g.appended(request(new WriteBatch().put(b("k"), b("new")).put(b("j"), b("1"))));
      assertTrue(
          g.check(request(new WriteBatch().requireValue(b("k"), b("old"))))
              instanceof ConflictException);
      assertNull(g.check(request(new WriteBatch().requireValue(b("k"), b("new")))));
      assertTrue(
          g.check(request(new WriteBatch().requireAbsent(b("j")))) instanceof ConflictException);
      g.appended(request(new WriteBatch().delete(b("j"))));
      assertNull(g.check(request(new WriteBatch().requireAbsent(b("j")))));
      g.clear();
      assertNull(
          g.check(request(new WriteBatch().requireValue(b("k"), b("old")).requireAbsent(b("j")))),
          "a new group sees the index alone");
    }
  }

  private static LogWriter.Request request(WriteBatch batch) {
    List<LogWriter.Op> ops = new ArrayList<>();
    for (WriteBatch.Operation op : batch.operations()) {
      switch (op) {
        case WriteBatch.Put p -> ops.add(new LogWriter.Op(p.key(), p.value()));
        case WriteBatch.Delete d -> ops.add(new LogWriter.Op(d.key(), null));
        case WriteBatch.DeleteRange r -> throw new AssertionError(r);
      }
    }
    return new LogWriter.Request(
        LogWriter.Kind.WRITE, ops, List.copyOf(batch.preconditions()), false);
  }
}
