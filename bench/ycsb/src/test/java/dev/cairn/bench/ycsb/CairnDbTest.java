package dev.cairn.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Durability;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.apache.htrace.core.HTraceConfiguration;
import org.apache.htrace.core.Tracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.ByteIterator;
import site.ycsb.ClientThread;
import site.ycsb.DBException;
import site.ycsb.DBWrapper;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;
import site.ycsb.measurements.Measurements;
import site.ycsb.workloads.CoreWorkload;

class CairnDbTest {

  @TempDir Path dir;

  /** Counts the statuses each operation returned, across every client thread. */
  static final class CountingDb extends CairnDb {
    static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private static Status count(String op, Status s) {
      COUNTS.computeIfAbsent(op + "=" + s.getName(), k -> new LongAdder()).increment();
      return s;
    }

    static long get(String key) {
      LongAdder a = COUNTS.get(key);
      return a == null ? 0 : a.sum();
    }

    @Override
    public Status read(String t, String k, Set<String> f, Map<String, ByteIterator> r) {
      return count("READ", super.read(t, k, f, r));
    }

    @Override
    public Status scan(
        String t, String k, int n, Set<String> f, Vector<HashMap<String, ByteIterator>> r) {
      return count("SCAN", super.scan(t, k, n, f, r));
    }

    @Override
    public Status update(String t, String k, Map<String, ByteIterator> v) {
      return count("UPDATE", super.update(t, k, v));
    }

    @Override
    public Status insert(String t, String k, Map<String, ByteIterator> v) {
      return count("INSERT", super.insert(t, k, v));
    }
  }

  private static Properties workload() {
    Properties p = new Properties();
    p.setProperty("workload", CoreWorkload.class.getName());
    p.setProperty("recordcount", "200");
    p.setProperty("operationcount", "1000");
    p.setProperty("fieldcount", "3");
    p.setProperty("fieldlength", "20");
    p.setProperty("readproportion", "0.5");
    p.setProperty("updateproportion", "0.3");
    p.setProperty("scanproportion", "0.1");
    p.setProperty("insertproportion", "0.1");
    p.setProperty("requestdistribution", "zipfian");
    p.setProperty("maxscanlength", "20");
    p.setProperty(CairnDb.ENGINE, "memory");
    return p;
  }

  private static CairnDb open(Properties p) throws DBException {
    CairnDb db = new CairnDb();
    db.setProperties(p);
    db.init();
    return db;
  }

  /** Runs YCSB's own client threads, as its Client does, with {@code threads} threads. */
  private static void runClientThreads(
      Properties p, CoreWorkload w, boolean transactions, int ops, int threads)
      throws InterruptedException {
    Tracer tracer = new Tracer.Builder("cairn-test").conf(HTraceConfiguration.EMPTY).build();
    CountDownLatch done = new CountDownLatch(threads);
    Thread[] running = new Thread[threads];
    ClientThread[] clients = new ClientThread[threads];
    for (int i = 0; i < threads; i++) {
      CountingDb db = new CountingDb();
      db.setProperties(p);
      clients[i] =
          new ClientThread(new DBWrapper(db, tracer), transactions, w, p, ops / threads, 0, done);
      clients[i].setThreadId(i);
      clients[i].setThreadCount(threads);
      running[i] = new Thread(clients[i]);
      running[i].start();
    }
    done.await();
    int total = 0;
    for (int i = 0; i < threads; i++) {
      running[i].join();
      total += clients[i].getOpsDone();
    }
    assertEquals(ops, total, "operations done by YCSB's client threads");
  }

  @Test
  void ycsbClientThreadsLoadAndRunACoreWorkloadOnTheMemoryEngine() throws Exception {
    Properties p = workload();
    Measurements.setProperties(p);
    CoreWorkload w = new CoreWorkload();
    w.init(p);
    // Holds the in-memory store open across the load and the run, and looks at it afterwards.
    CairnDb observer = open(p);
    try {
      CountingDb.COUNTS.clear();
      runClientThreads(p, w, false, 200, 2);
      assertEquals(200, CountingDb.get("INSERT=OK"));
      assertEquals(200, countRecords(observer));

      runClientThreads(p, w, true, 1000, 2);
      long reads = CountingDb.get("READ=OK");
      long updates = CountingDb.get("UPDATE=OK");
      long scans = CountingDb.get("SCAN=OK");
      long inserts = CountingDb.get("INSERT=OK") - 200;
      assertTrue(
          reads > 300 && updates > 150 && scans > 40 && inserts > 40, CountingDb.COUNTS::toString);
      assertEquals(1000, reads + updates + scans + inserts, CountingDb.COUNTS::toString);
      assertEquals(0, CountingDb.get("READ=NOT_FOUND") + CountingDb.get("READ=ERROR"));
      assertEquals(0, CountingDb.get("UPDATE=NOT_FOUND") + CountingDb.get("UPDATE=ERROR"));
      assertEquals(200 + inserts, countRecords(observer));
      assertTrue(Measurements.getMeasurements().getSummary().contains("READ"));
    } finally {
      observer.cleanup();
      w.cleanup();
    }
  }

  private static int countRecords(CairnDb db) {
    Vector<HashMap<String, ByteIterator>> all = new Vector<>();
    assertEquals(Status.OK, db.scan("usertable", "", 1_000_000, null, all));
    for (HashMap<String, ByteIterator> r : all) {
      assertEquals(3, r.size(), "fields of a record");
      assertEquals(20, r.get("field0").toArray().length);
    }
    return all.size();
  }

  @Test
  void updatesReplaceOnlyTheirFieldsAndScansStayInTheirTable() throws Exception {
    CairnDb db = open(workload());
    try {
      db.insert("t", "k1", StringByteIterator.getByteIteratorMap(Map.of("a", "1", "b", "2")));
      db.insert("t", "k2", StringByteIterator.getByteIteratorMap(Map.of("a", "3")));
      db.insert("u", "k0", StringByteIterator.getByteIteratorMap(Map.of("a", "4")));
      assertEquals(
          Status.OK, db.update("t", "k1", StringByteIterator.getByteIteratorMap(Map.of("b", "9"))));
      assertEquals(
          Status.NOT_FOUND,
          db.update("t", "nope", StringByteIterator.getByteIteratorMap(Map.of("b", "9"))));
      Map<String, ByteIterator> r = new HashMap<>();
      assertEquals(Status.OK, db.read("t", "k1", null, r));
      assertEquals(Map.of("a", "1", "b", "9"), StringByteIterator.getStringMap(r));
      Map<String, ByteIterator> onlyB = new HashMap<>();
      db.read("t", "k1", Set.of("b"), onlyB);
      assertEquals(Set.of("b"), onlyB.keySet());

      Vector<HashMap<String, ByteIterator>> scanned = new Vector<>();
      assertEquals(Status.OK, db.scan("t", "k", 10, null, scanned));
      assertEquals(2, scanned.size(), "table u is not in table t's scan");

      assertEquals(Status.OK, db.delete("t", "k1"));
      assertEquals(Status.NOT_FOUND, db.read("t", "k1", null, new HashMap<>()));
    } finally {
      db.cleanup();
    }
  }

  @Test
  void aDurableEngineKeepsRecordsAcrossClientRuns() throws Exception {
    Properties p = workload();
    p.setProperty(CairnDb.ENGINE, "rocksdb");
    p.setProperty(CairnDb.DIR, dir.resolve("store").toString());
    p.setProperty(CairnDb.DURABILITY, "sync");
    CairnDb first = open(p);
    first.insert("usertable", "user1", StringByteIterator.getByteIteratorMap(Map.of("f", "v")));
    first.cleanup();
    CairnDb second = open(p);
    try {
      Map<String, ByteIterator> r = new HashMap<>();
      assertEquals(Status.OK, second.read("usertable", "user1", null, r));
      assertEquals("v", r.get("f").toString());
    } finally {
      second.cleanup();
    }
  }

  @Test
  void badPropertiesAreNamed() {
    Properties p = new Properties();
    DBException missing = assertThrows(DBException.class, () -> open(p));
    assertTrue(missing.getMessage().contains("cairn.engine is required"), missing.getMessage());
    assertTrue(missing.getMessage().contains("memory"), "lists installed engines");

    p.setProperty(CairnDb.ENGINE, "nosuch");
    DBException unknown = assertThrows(DBException.class, () -> open(p));
    assertTrue(unknown.getMessage().contains("'nosuch'"), unknown.getMessage());

    p.setProperty(CairnDb.ENGINE, "memory");
    p.setProperty(CairnDb.DURABILITY, "often");
    DBException bad = assertThrows(DBException.class, () -> open(p));
    assertTrue(bad.getMessage().contains("sync or buffered, got 'often'"), bad.getMessage());
  }

  @Test
  void durabilityIsParsedWithoutRegardToCase() throws DBException {
    assertEquals(Durability.SYNC, CairnDb.parseDurability(" SYNC "));
    assertEquals(Durability.BUFFERED, CairnDb.parseDurability("buffered"));
    assertNull(CairnDb.parseDurability(null));
  }
}
