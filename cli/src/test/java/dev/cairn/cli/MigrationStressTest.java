package dev.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.Cairn;
import dev.cairn.runtime.database.Database;
import dev.cairn.runtime.database.DatabaseKeyspace;
import dev.cairn.runtime.migrate.KeyspaceMigration;
import dev.cairn.runtime.migrate.MigrationSummary;
import dev.cairn.runtime.migrate.OfflineMigration;
import dev.cairn.runtime.migrate.OnlineMigration;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An online migration of a large store, and of a large database keyspace, under a concurrent writer
 * (through the migrating handle, through the keyspace), hash to rocksdb and rocksdb to lsm: the
 * target after the cut-over holds exactly the initial entries as the writer left them. 10,000 keys
 * in the normal build; {@code -Pstress} (which sets {@code cairn.crash.scale=100}) makes it
 * 1,000,000, and prints how long each step took (docs/migration.md, "Measured").
 */
class MigrationStressTest {

  private static final int SCALE = Integer.getInteger("cairn.crash.scale", 1);
  private static final int KEYS = 10_000 * SCALE;
  private static final long SEED = Long.getLong("cairn.migration.seed", System.nanoTime());

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} -> {1}, {2}")
  @CsvSource({
    "hash, rocksdb, store",
    "rocksdb, lsm, store",
    "hash, rocksdb, keyspace",
    "rocksdb, lsm, keyspace"
  })
  void aLargeOnlineMigrationUnderAWriterLosesNothing(String from, String to, String what)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "MigrationStressTest %s -> %s, a %s: %,d keys, seed %d%n",
        from,
        to,
        what,
        KEYS,
        SEED);
    long t0 = System.nanoTime();
    try (Subject subject =
        what.equals("store") ? new StoreSubject(from, to) : new KeyspaceSubject(from, to)) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < KEYS; i++) {
        batch.put(key(i), initial(i));
        if (batch.size() == 10_000) {
          subject.write(batch);
          batch = new WriteBatch();
        }
      }
      if (!batch.isEmpty()) {
        subject.write(batch);
      }
      subject.flush();
      long filled = System.nanoTime();
      Map<Integer, byte[]> written = new ConcurrentHashMap<>(); // empty array: deleted
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong writes = new AtomicLong();
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    Random r = new Random(SEED);
                    for (long n = 0; !stop.get(); n++) {
                      int i = r.nextInt(KEYS);
                      if (r.nextInt(5) == 0) {
                        subject.delete(key(i));
                        written.put(i, new byte[0]);
                      } else {
                        byte[] v = ("w" + n).getBytes(StandardCharsets.UTF_8);
                        subject.put(key(i), v);
                        written.put(i, v);
                      }
                      writes.incrementAndGet();
                    }
                  });
      MigrationSummary s;
      try {
        s = subject.migrate();
        Thread.sleep(200); // the writer goes on, on the target
      } finally {
        stop.set(true);
        writer.join();
      }
      long migrated = System.nanoTime();
      long expected = 0;
      long seen = 0;
      try (Cursor c = subject.after().cursor()) {
        while (c.next()) {
          int i = index(c.key());
          byte[] w = written.get(i);
          assertTrue(w == null || w.length > 0, "key " + i + " was deleted");
          assertArrayEquals(w == null ? initial(i) : w, c.value(), "key " + i);
          seen++;
        }
      }
      for (int i = 0; i < KEYS; i++) {
        byte[] w = written.get(i);
        if (w == null || w.length > 0) {
          expected++;
        }
      }
      assertEquals(expected, seen, "the target holds every key not deleted");
      System.out.printf(
          Locale.ROOT,
          "MigrationStressTest %s -> %s, a %s: fill %.1f s; migration %.1f s (copied %,d entries,"
              + " replayed %,d keys, %,d %s verified equal, %,d entries in the verification,"
              + " cut-over blocked writes %.1f ms); %,d writes by the concurrent writer; check %.1f"
              + " s: %,d entries as expected%n",
          from,
          to,
          what,
          (filled - t0) / 1e9,
          s.nanos() / 1e9,
          s.copiedEntries(),
          s.replayedKeys(),
          s.ranges(),
          s.orderedRanges() ? "key ranges" : "hash buckets",
          s.entries(),
          s.cutOverNanos() / 1e6,
          writes.get(),
          (System.nanoTime() - migrated) / 1e9,
          seen);
      assertTrue(s.replayedKeys() > 0, "the writer's writes during the copy were replayed");
      assertEquals(0, s.repairedEntries());
    }
  }

  /** What is migrated: written through its handle, migrated, read afterwards. */
  private interface Subject extends AutoCloseable {
    void write(WriteBatch batch);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    void flush();

    MigrationSummary migrate();

    ReadView after();

    @Override
    void close();
  }

  /** A store, migrated by an {@link OnlineMigration} while written through its handle. */
  private final class StoreSubject implements Subject {
    private final StorageEngine source;
    private final StorageEngine target;
    private final OnlineMigration migration;
    private final StorageEngine store;

    StoreSubject(String from, String to) {
      source = Cairn.store(tmp.resolve("from")).engine(from).open();
      target = Cairn.store(tmp.resolve("to")).engine(to).open();
      migration =
          OnlineMigration.of(source, Cairn.engines().info(from), target, Cairn.engines().info(to))
              .progressFile(tmp.resolve("to").resolve(OfflineMigration.PROGRESS_FILE));
      store = migration.store();
    }

    @Override
    public void write(WriteBatch batch) {
      source.write(batch, Durability.BUFFERED);
    }

    @Override
    public void put(byte[] key, byte[] value) {
      store.put(key, value, Durability.BUFFERED);
    }

    @Override
    public void delete(byte[] key) {
      store.delete(key, Durability.BUFFERED);
    }

    @Override
    public void flush() {
      source.flush();
    }

    @Override
    public MigrationSummary migrate() {
      return migration.run();
    }

    @Override
    public ReadView after() {
      return target;
    }

    @Override
    public void close() {
      try {
        source.close();
      } finally {
        target.close();
      }
    }
  }

  /** A database keyspace, migrated by a {@link KeyspaceMigration} while written through it. */
  private final class KeyspaceSubject implements Subject {
    private final Database db;
    private final DatabaseKeyspace keyspace;
    private final String to;

    KeyspaceSubject(String from, String to) {
      db = Cairn.database(tmp.resolve("db")).keyspace("events", from).open();
      keyspace = db.keyspace("events");
      this.to = to;
    }

    @Override
    public void write(WriteBatch batch) {
      keyspace.write(batch, Durability.BUFFERED);
    }

    @Override
    public void put(byte[] key, byte[] value) {
      keyspace.put(key, value, Durability.BUFFERED);
    }

    @Override
    public void delete(byte[] key) {
      keyspace.delete(key, Durability.BUFFERED);
    }

    @Override
    public void flush() {
      db.flush();
    }

    @Override
    public MigrationSummary migrate() {
      return KeyspaceMigration.of(Cairn.engines(), db, "events", to, Map.of()).run();
    }

    @Override
    public ReadView after() {
      assertEquals(to, keyspace.engine());
      return keyspace;
    }

    @Override
    public void close() {
      db.close();
    }
  }

  private static byte[] key(int i) {
    return String.format(Locale.ROOT, "key%09d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static int index(byte[] key) {
    return Integer.parseInt(new String(key, 3, key.length - 3, StandardCharsets.UTF_8));
  }

  private static byte[] initial(int i) {
    byte[] v = new byte[100];
    Arrays.fill(v, (byte) ('a' + i % 26));
    return v;
  }
}
