package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.EngineEvent.Kind;
import dev.cairn.spi.EngineEventListener;
import dev.cairn.spi.RequestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's events, given to the listener of its options: RocksDB's flushes, compactions and
 * stalls (heard through its event listener, on its own threads), WAL syncs, busy refusals,
 * checkpoints and the recovery at open; a flush names the request whose write sealed its memtable.
 */
class EngineEventsTest {

  @TempDir Path tmp;

  private final List<EngineEvent> events = new CopyOnWriteArrayList<>();

  private List<EngineEvent> of(Kind kind) {
    return events.stream().filter(e -> e.kind() == kind).toList();
  }

  private static byte[] random(SplittableRandom r, int size) {
    byte[] v = new byte[size];
    r.nextBytes(v);
    return v;
  }

  /** Waits (bounded) for RocksDB's background work to report something. */
  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    for (int i = 0; i < 1200 && !done.getAsBoolean(); i++) {
      Thread.sleep(25);
    }
    assertTrue(done.getAsBoolean(), "waited 30 s for " + what);
  }

  private static int number(EngineEvent e) {
    String id = e.requestId().orElseThrow(() -> new AssertionError("no request: " + e));
    assertTrue(id.startsWith("w-"), e.toString());
    return Integer.parseInt(id.substring(2));
  }

  @Test
  void flushesAndCompactionsNameTheWritesThatSetThemOff() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e =
        Fixtures.open(
            dir,
            Map.of("write-buffer.size", "64k", "compression", "none"),
            o -> o.setLevel0FileNumCompactionTrigger(2),
            events::add)) {
      assertEquals(1, of(Kind.RECOVERY).size(), events.toString());
      for (int i = 0; i < 40; i++) {
        byte[] value = random(r, 16 * 1024);
        RequestContext.of("w-" + i).run(() -> e.put(b("k"), value, Durability.BUFFERED));
      }
      await(() -> !of(Kind.COMPACTION).isEmpty(), "a compaction");
      List<EngineEvent> flushes = of(Kind.FLUSH);
      assertTrue(flushes.size() >= 2, flushes.toString());
      int last = -1;
      for (EngineEvent f : flushes) {
        int n = number(f);
        assertTrue(n > last, "each flush names a later write than the one before: " + flushes);
        last = n;
        assertTrue(f.bytes() > 16 * 1024, f.toString());
        assertTrue(f.detail().startsWith("flush of keyspace 'default'"), f.detail());
      }
      EngineEvent c = of(Kind.COMPACTION).getFirst();
      assertTrue(c.bytes() > 0, c.toString());
      assertTrue(c.duration().toNanos() > 0, "timed from its begin: " + c);
      number(c); // names the write behind the flush that made it due
      assertTrue(c.detail().contains(": Ok"), c.detail());

      RequestContext.of("sync-1").run(e::flush);
      EngineEvent sync = of(Kind.FSYNC).getLast();
      assertEquals(Optional.of("sync-1"), sync.requestId());

      RequestContext.of("cp-1").run(() -> e.checkpoint(tmp.resolve("cp")));
      EngineEvent cp = of(Kind.CHECKPOINT).getFirst();
      assertEquals(Optional.of("cp-1"), cp.requestId());
      assertTrue(cp.bytes() > 16 * 1024, cp.toString());
    }
    events.clear();
    try (RocksDbEngine e = Fixtures.open(dir, Map.of(), o -> {}, events::add)) {
      EngineEvent recovery = of(Kind.RECOVERY).getFirst();
      assertTrue(recovery.bytes() >= 0, recovery.toString());
      assertTrue(recovery.detail().startsWith("open of "), recovery.detail());
      assertNotNull(e.get(b("k")));
    }
  }

  @Test
  void aStallIsReportedWhenWritesAreRefusedAsBusyAndWhenItEnds() throws Exception {
    byte[] value = new byte[16 * 1024];
    try (RocksDbEngine e =
        Fixtures.open(
            tmp.resolve("db"),
            Map.of("write-stall", "busy", "write-buffer.size", "64k"),
            o -> o.setMaxWriteBufferNumber(2),
            events::add)) {
      e.backgroundWorkForTest(false);
      BusyException busy = null;
      int written = 0;
      for (; written < 1000 && busy == null; written++) {
        try {
          int n = written;
          RequestContext.of("busy-" + n).run(() -> e.put(b("k" + n), value, Durability.BUFFERED));
        } catch (BusyException stalled) {
          busy = stalled;
        }
      }
      assertNotNull(busy, "memtables full and flushes paused: RocksDB stops writes");
      List<EngineEvent> stalls = of(Kind.STALL);
      EngineEvent refused = stalls.getLast();
      assertEquals(Optional.of("busy-" + (written - 1)), refused.requestId());
      assertTrue(refused.detail().startsWith("put refused as busy"), refused.detail());

      e.backgroundWorkForTest(true);
      await(
          () -> of(Kind.STALL).stream().anyMatch(s -> s.detail().contains("stopped until")),
          "the end of the stall");
      EngineEvent ended =
          of(Kind.STALL).stream()
              .filter(s -> s.detail().contains("stopped until"))
              .findFirst()
              .get();
      assertTrue(ended.duration().toNanos() > 0, ended.toString());
    }
  }

  @Test
  void aListenerThatThrowsBreaksNothingInNativeCode() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    List<Kind> heard = new CopyOnWriteArrayList<>();
    EngineEventListener faulty =
        ev -> {
          heard.add(ev.kind());
          throw new IllegalStateException("listener bug");
        };
    try (RocksDbEngine e =
        Fixtures.open(
            tmp.resolve("db"),
            Map.of("write-buffer.size", "64k", "compression", "none"),
            o -> o.setLevel0FileNumCompactionTrigger(2),
            faulty)) {
      for (int i = 0; i < 40; i++) {
        e.put(b("k" + i), random(r, 16 * 1024), Durability.BUFFERED);
      }
      await(() -> heard.contains(Kind.COMPACTION), "a compaction");
      e.put(b("after"), b("v"), Durability.SYNC);
      e.flush();
      assertEquals("OK", e.health().status().name());
      assertFalse(heard.isEmpty());
      assertEquals(16 * 1024, e.get(b("k39")).length);
    }
  }
}
