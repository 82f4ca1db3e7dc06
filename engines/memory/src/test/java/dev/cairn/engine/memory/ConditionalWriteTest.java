package dev.cairn.engine.memory;

import static dev.cairn.engine.memory.TestStores.assertConsistent;
import static dev.cairn.engine.memory.TestStores.detail;
import static dev.cairn.engine.memory.TestStores.str;
import static dev.cairn.engine.memory.TestStores.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ConditionalWriteTest {

  @Test
  void preconditionsThatHoldLetTheBatchApply() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("k"), utf8("1"));
      e.write(
          new WriteBatch()
              .requireValue(utf8("k"), utf8("1"))
              .requireAbsent(utf8("new"))
              .put(utf8("k"), utf8("2"))
              .put(utf8("new"), utf8("x")));
      assertEquals("2", str(e.get(utf8("k"))));
      assertEquals("x", str(e.get(utf8("new"))));
      assertConsistent(e);
    }
  }

  @Test
  void aFailedPreconditionAppliesNothingAndNamesTheKey() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      e.put(utf8("k"), utf8("1"));
      a.put(utf8("present"), utf8("p"));
      long before = detail(e, "sequence");
      WriteBatch batch =
          new WriteBatch()
              .requireValue(utf8("k"), utf8("1")) // holds
              .requireAbsent("a", utf8("present")) // fails
              .put(utf8("k"), utf8("2"))
              .put("a", utf8("other"), utf8("x"))
              .delete("a", utf8("present"));
      ConflictException ex = assertThrows(ConflictException.class, () -> e.write(batch));
      assertEquals("a", ex.keyspace());
      assertArrayEquals(utf8("present"), ex.key());
      assertTrue(ex.getMessage().contains("keyspace 'a'"), ex.getMessage());
      assertTrue(ex.getMessage().contains("is present"), ex.getMessage());
      assertEquals("1", str(e.get(utf8("k"))));
      assertNull(a.get(utf8("other")));
      assertEquals("p", str(a.get(utf8("present"))));
      assertEquals(before, detail(e, "sequence"), "nothing was written");

      ConflictException wrongValue =
          assertThrows(
              ConflictException.class,
              () ->
                  e.write(
                      new WriteBatch()
                          .requireValue(utf8("k"), utf8("one"))
                          .put(utf8("k"), utf8("2"))));
      assertEquals(Keyspace.DEFAULT, wrongValue.keyspace());
      assertTrue(
          wrongValue.getMessage().contains("does not hold the expected value"),
          wrongValue.getMessage());
      ConflictException absent =
          assertThrows(
              ConflictException.class,
              () ->
                  e.write(
                      new WriteBatch()
                          .requireValue(utf8("nothing"), utf8(""))
                          .put(utf8("k"), utf8("2"))));
      assertArrayEquals(utf8("nothing"), absent.key(), "an absent key holds no value, not empty");
      assertEquals("1", str(e.get(utf8("k"))));
      assertConsistent(e);
    }
  }

  @Test
  void preconditionsSeeTheStateBeforeTheBatch() {
    try (StorageEngine e = TestStores.open()) {
      // The batch puts k itself; the precondition is on the state it finds, where k is absent.
      e.write(new WriteBatch().put(utf8("k"), utf8("v")).requireAbsent(utf8("k")));
      assertEquals("v", str(e.get(utf8("k"))));
      assertThrows(
          ConflictException.class,
          () -> e.write(new WriteBatch().delete(utf8("k")).requireAbsent(utf8("k"))));
      assertEquals("v", str(e.get(utf8("k"))));
    }
  }

  @Test
  void aBatchOfPreconditionsOnlyChecksAndWritesNothing() {
    try (StorageEngine e = TestStores.open()) {
      e.put(utf8("k"), utf8("v"));
      long before = detail(e, "sequence");
      e.write(new WriteBatch().requireValue(utf8("k"), utf8("v")));
      assertEquals(before, detail(e, "sequence"));
      assertThrows(
          ConflictException.class, () -> e.write(new WriteBatch().requireAbsent(utf8("k"))));
    }
  }

  @Test
  void conveniencesOnTheStore() {
    try (StorageEngine e = TestStores.open()) {
      assertTrue(e.putIfAbsent(utf8("k"), utf8("1")));
      assertFalse(e.putIfAbsent(utf8("k"), utf8("2")));
      assertEquals("1", str(e.get(utf8("k"))));
      assertFalse(e.replace(utf8("k"), utf8("x"), utf8("2")));
      assertTrue(e.replace(utf8("k"), utf8("1"), utf8("2")));
      assertEquals("2", str(e.get(utf8("k"))));
      assertFalse(e.replace(utf8("absent"), utf8(""), utf8("2")));
      assertNull(e.get(utf8("absent")));
      assertFalse(e.deleteIfEquals(utf8("k"), utf8("1")));
      assertEquals("2", str(e.get(utf8("k"))));
      assertTrue(e.deleteIfEquals(utf8("k"), utf8("2")));
      assertNull(e.get(utf8("k")));
      assertTrue(e.putIfAbsent(utf8("k"), utf8("3")), "absent again after the delete");
      assertConsistent(e);
    }
  }

  @Test
  void conveniencesOnAKeyspace() {
    try (StorageEngine e = TestStores.open()) {
      Keyspace a = e.createKeyspace("a");
      e.put(utf8("k"), utf8("default"));
      Durability d = Durability.BUFFERED;
      assertTrue(a.putIfAbsent(utf8("k"), utf8("1"), d), "the default keyspace's k is another");
      assertFalse(a.putIfAbsent(utf8("k"), utf8("2"), d));
      assertTrue(a.replace(utf8("k"), utf8("1"), utf8("2"), d));
      assertFalse(a.replace(utf8("k"), utf8("1"), utf8("3"), d));
      assertFalse(a.deleteIfEquals(utf8("k"), utf8("1"), d));
      assertEquals("2", str(a.get(utf8("k"))));
      assertTrue(a.deleteIfEquals(utf8("k"), utf8("2"), d));
      assertNull(a.get(utf8("k")));
      assertEquals("default", str(e.get(utf8("k"))));
      assertConsistent(e);
    }
  }

  /**
   * Threads move one unit at a time between accounts in two keyspaces, each move a batch with a
   * precondition on both balances it read; snapshots taken meanwhile always see the same total, and
   * every move that returned is counted in the end.
   */
  @Test
  void transfersAcrossKeyspacesKeepTheTotal() throws Exception {
    long seed = TestStores.seed("transfersAcrossKeyspacesKeepTheTotal");
    try (StorageEngine e = TestStores.open()) {
      List<Keyspace> banks = List.of(e.createKeyspace("east"), e.createKeyspace("west"));
      int accounts = 3;
      long initial = 1_000;
      for (Keyspace bank : banks) {
        for (int i = 0; i < accounts; i++) {
          bank.put(utf8("acct" + i), counter(initial));
        }
      }
      long total = initial * accounts * banks.size();
      int threads = 3;
      int moves = 1_500;
      AtomicInteger conflicts = new AtomicInteger();
      AtomicInteger[] movedOut = new AtomicInteger[accounts];
      for (int i = 0; i < movedOut.length; i++) {
        movedOut[i] = new AtomicInteger();
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicBoolean done = new AtomicBoolean();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        SplittableRandom random = new SplittableRandom(seed + t);
        all.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        start.await();
                        for (int i = 0; i < moves; i++) {
                          int from = random.nextInt(accounts);
                          int to = random.nextInt(accounts);
                          while (!move(e, banks.get(0), from, banks.get(1), to)) {
                            conflicts.incrementAndGet();
                          }
                          movedOut[from].incrementAndGet();
                        }
                      } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                      }
                    }));
      }
      Thread auditor =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                      while (!done.get()) {
                        try (var s = e.snapshot()) {
                          long sum = 0;
                          for (Keyspace bank : banks) {
                            for (int i = 0; i < accounts; i++) {
                              sum += counter(s.keyspace(bank.name()).get(utf8("acct" + i)));
                            }
                          }
                          assertEquals(total, sum, "a snapshot's total");
                        }
                      }
                    } catch (Throwable x) {
                      failure.compareAndSet(null, x);
                    }
                  });
      start.countDown();
      for (Thread t : all) {
        t.join();
      }
      done.set(true);
      auditor.join();
      if (failure.get() != null) {
        throw new AssertionError("seed " + seed, failure.get());
      }
      System.out.println(
          "transfersAcrossKeyspacesKeepTheTotal: " + conflicts + " conflicts retried");
      for (int i = 0; i < accounts; i++) {
        assertEquals(
            initial - movedOut[i].get(), counter(banks.get(0).get(utf8("acct" + i))), "east " + i);
      }
      long west = 0;
      for (int i = 0; i < accounts; i++) {
        west += counter(banks.get(1).get(utf8("acct" + i)));
      }
      assertEquals(initial * accounts + (long) threads * moves, west);
      assertConsistent(e);
    }
  }

  /**
   * One attempt at moving a unit from account {@code from} of one bank to {@code to} of another.
   */
  private static boolean move(StorageEngine e, Keyspace source, int from, Keyspace target, int to) {
    byte[] fromKey = utf8("acct" + from);
    byte[] toKey = utf8("acct" + to);
    byte[] a = source.get(fromKey);
    byte[] b = target.get(toKey);
    try {
      e.write(
          new WriteBatch()
              .requireValue(source.name(), fromKey, a)
              .requireValue(target.name(), toKey, b)
              .put(source.name(), fromKey, counter(counter(a) - 1))
              .put(target.name(), toKey, counter(counter(b) + 1)));
      return true;
    } catch (ConflictException lost) {
      return false;
    }
  }

  /** Threads add one to one counter by replace with retries: the count ends exact. */
  @Test
  void replaceIncrementsOfOneCounterEndExact() throws Exception {
    for (String keyspace : List.of(Keyspace.DEFAULT, "other")) {
      try (StorageEngine e = TestStores.open()) {
        Keyspace k =
            keyspace.equals(Keyspace.DEFAULT)
                ? e.keyspace(Keyspace.DEFAULT)
                : e.createKeyspace(keyspace);
        byte[] key = utf8("counter");
        int threads = 4;
        int increments = 2_500;
        AtomicInteger conflicts = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          boolean useBatch = t % 2 == 0;
          all.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          start.await();
                          for (int i = 0; i < increments; i++) {
                            while (!increment(e, k, key, useBatch)) {
                              conflicts.incrementAndGet();
                            }
                          }
                        } catch (Throwable x) {
                          failure.compareAndSet(null, x);
                        }
                      }));
        }
        start.countDown();
        for (Thread t : all) {
          t.join();
        }
        if (failure.get() != null) {
          throw new AssertionError(failure.get());
        }
        System.out.println(
            "replaceIncrementsOfOneCounterEndExact in '"
                + keyspace
                + "': "
                + conflicts
                + " conflicts retried");
        assertEquals((long) threads * increments, counter(k.get(key)), "in '" + keyspace + "'");
        assertConsistent(e);
      }
    }
  }

  /** One attempt at adding one: putIfAbsent of 1 when absent, else a replace or a batch. */
  private static boolean increment(StorageEngine e, Keyspace k, byte[] key, boolean useBatch) {
    byte[] seen = k.get(key);
    if (seen == null) {
      return k.putIfAbsent(key, counter(1), Durability.BUFFERED);
    }
    byte[] next = counter(counter(seen) + 1);
    if (!useBatch) {
      return k.replace(key, seen, next, Durability.BUFFERED);
    }
    try {
      e.write(new WriteBatch().requireValue(k.name(), key, seen).put(k.name(), key, next));
      return true;
    } catch (ConflictException lost) {
      return false;
    }
  }

  /** Threads race to putIfAbsent one key, round after round: exactly one wins each round. */
  @Test
  void putIfAbsentRacesHaveExactlyOneWinner() throws Exception {
    try (StorageEngine e = TestStores.open()) {
      int threads = 4;
      int rounds = 500;
      CyclicBarrier barrier = new CyclicBarrier(threads);
      AtomicInteger[] winners = new AtomicInteger[rounds];
      for (int r = 0; r < rounds; r++) {
        winners[r] = new AtomicInteger();
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        byte[] me = utf8("thread " + t);
        all.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int r = 0; r < rounds; r++) {
                          barrier.await();
                          if (e.putIfAbsent(utf8("round " + r), me)) {
                            winners[r].incrementAndGet();
                          }
                        }
                      } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                        barrier.reset();
                      }
                    }));
      }
      for (Thread t : all) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      for (int r = 0; r < rounds; r++) {
        assertEquals(1, winners[r].get(), "winners of round " + r);
      }
      assertEquals(rounds, e.statistics().approximateKeys());
      assertConsistent(e);
    }
  }

  private static byte[] counter(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  private static long counter(byte[] b) {
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }
}
