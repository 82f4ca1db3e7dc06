package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.BusyException;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineFailedException;
import dev.cairn.spi.Health;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The rest of what SPI 1.1 added, through the boundary: batches that need a capability, the store's
 * conditional and range-delete conveniences, the exceptions that pass unchanged, {@code multiGet}
 * and the approximate sizes, and health.
 */
class Spi11BoundaryTest {

  private final TinyProvider full = TinyProvider.spi11("full");
  private final TinyProvider plain = TinyProvider.inMemory("plain");
  private final TinyProvider basic = TinyProvider.basic("basic");
  private final EngineRegistry registry = EngineRegistry.of(List.of(full, plain, basic));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<StorageEngine> toClose = new ArrayList<>();

  private StorageEngine open(String engine) {
    StorageEngine store = registry.store().engine(engine).meterRegistry(meters).open();
    toClose.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    toClose.forEach(StorageEngine::close);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private long successes(String engine, String op) {
    Timer t =
        meters
            .find(Meters.OPERATION)
            .tags("engine", engine, "op", op, "outcome", "success")
            .timer();
    return t == null ? 0 : t.count();
  }

  private double errors(String engine, String op, String exception) {
    Counter c =
        meters
            .find(Meters.ERRORS)
            .tags("engine", engine, "op", op, "exception", exception)
            .counter();
    return c == null ? 0 : c.count();
  }

  private double violations(String engine, String op) {
    Counter c = meters.find(Meters.VIOLATIONS).tags("engine", engine, "op", op).counter();
    return c == null ? 0 : c.count();
  }

  private static void poison(TinyEngine engine, String op) {
    engine.faultOp = op;
    engine.fault = new AssertionError("the engine saw a call the boundary should have refused");
  }

  private static void assertUnsupported(String capability, Executable call) {
    UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class, call);
    assertTrue(
        e.getMessage().startsWith("engine 'plain' does not declare " + capability + ", needed for"),
        e.getMessage());
  }

  @Test
  void aBatchNeedingAnUndeclaredCapabilityNeverReachesTheEngine() {
    StorageEngine store = open("plain");
    poison(plain.last(), "write");

    assertUnsupported(
        "KEYSPACES",
        () -> store.write(new WriteBatch().put(b("k"), b("v")).put("users", b("k"), b("v"))));
    assertUnsupported("KEYSPACES", () -> store.write(new WriteBatch().delete("users", b("k"))));
    assertUnsupported(
        "KEYSPACES",
        () -> store.write(new WriteBatch().requireAbsent("users", b("k")).put(b("k"), b("v"))));
    assertUnsupported(
        "CONDITIONAL_WRITES",
        () -> store.write(new WriteBatch().requireAbsent(b("k")).put(b("k"), b("v"))));
    assertUnsupported(
        "CONDITIONAL_WRITES", () -> store.write(new WriteBatch().requireValue(b("k"), b("v"))));
    assertUnsupported(
        "RANGE_DELETES",
        () -> store.write(new WriteBatch().put(b("a"), b("1")).deleteRange(KeyRange.all())));
    UnsupportedCapabilityException named =
        assertThrows(
            UnsupportedCapabilityException.class,
            () ->
                store.write(
                    new WriteBatch().put("users", b("k"), b("v")).put("items", b("k"), b("v"))));
    assertTrue(
        named.getMessage().endsWith("a batch on keyspaces [items, users]"), named.getMessage());
    // The store's conveniences are batches through the same write.
    assertUnsupported("CONDITIONAL_WRITES", () -> store.putIfAbsent(b("k"), b("v")));
    assertUnsupported("CONDITIONAL_WRITES", () -> store.replace(b("k"), b("v"), b("w")));
    assertUnsupported("CONDITIONAL_WRITES", () -> store.deleteIfEquals(b("k"), b("v")));
    assertUnsupported("RANGE_DELETES", () -> store.deleteRange(KeyRange.all(), Durability.SYNC));
    assertEquals(11, errors("plain", "write", "UnsupportedCapabilityException"));

    plain.last().faultOp = null;
    store.write(new WriteBatch().put(b("k"), b("v")).delete(b("gone")));
    assertArrayEquals(b("v"), store.get(b("k")), "a batch of the default keyspace still works");
  }

  @Test
  void theStoresConveniencesWriteThroughTheBoundaryToAnEngineThatDeclaresThem() {
    StorageEngine store = open("full");
    TinyEngine engine = full.last();

    assertTrue(store.putIfAbsent(b("k"), b("1")));
    assertFalse(store.putIfAbsent(b("k"), b("2")));
    assertTrue(store.replace(b("k"), b("1"), b("3")));
    assertFalse(store.replace(b("k"), b("1"), b("4")));
    assertFalse(store.deleteIfEquals(b("k"), b("1")));
    assertTrue(store.deleteIfEquals(b("k"), b("3")));
    store.put(b("a"), b("a"));
    store.put(b("b"), b("b"));
    store.deleteRange(KeyRange.atLeast(b("b")), Durability.SYNC);

    assertNull(store.get(b("k")));
    assertArrayEquals(b("a"), store.get(b("a")));
    assertNull(store.get(b("b")));
    assertEquals(4, successes("full", "write"));
    assertEquals(3, errors("full", "write", "ConflictException"));
    assertFalse(engine.calls.contains("putIfAbsent"), "through write(batch), " + engine.calls);
    assertFalse(engine.calls.contains("deleteRange"), "through write(batch), " + engine.calls);
    poison(engine, "write");
    assertThrows(InvalidArgumentException.class, () -> store.putIfAbsent(null, b("v")));
    assertThrows(InvalidArgumentException.class, () -> store.deleteRange(null, Durability.SYNC));
    assertThrows(
        InvalidArgumentException.class,
        () -> store.replace(b("k"), b("v"), b("w"), (Durability) null));
  }

  @Test
  void aConflictAndBusyPassUnchangedAndAreNoViolation() {
    StorageEngine store = open("full");
    store.put(b("k"), b("held"));

    ConflictException conflict =
        assertThrows(
            ConflictException.class,
            () -> store.write(new WriteBatch().requireAbsent(b("k")).put(b("k"), b("v"))));
    assertArrayEquals(b("k"), conflict.key());
    assertEquals("default", conflict.keyspace());

    BusyException busy = new BusyException("write stall");
    full.last().faultOp = "write";
    full.last().fault = busy;
    assertSame(busy, assertThrows(BusyException.class, () -> store.write(new WriteBatch())));
    assertSame(busy, assertThrows(BusyException.class, () -> store.putIfAbsent(b("x"), b("y"))));
    full.last().faultOp = "put";
    assertSame(busy, assertThrows(BusyException.class, () -> store.put(b("x"), b("y"))));

    assertEquals(0, violations("full", "write"));
    assertEquals(0, violations("full", "put"));
    assertEquals(2, errors("full", "write", "BusyException"));
    assertEquals(1, errors("full", "write", "ConflictException"));
    assertEquals(Health.Status.UNKNOWN, store.health().status(), "busy is not failed");
  }

  @Test
  void multiGetAndTheApproximateSizesAreTheEngines() {
    StorageEngine store = open("full");
    TinyEngine engine = full.last();
    store.put(b("a"), b("12"));
    store.put(b("b"), b("345"));

    List<byte[]> values = store.multiGet(List.of(b("a"), b("x"), b("b")));

    assertEquals(3, values.size());
    assertArrayEquals(b("12"), values.get(0));
    assertNull(values.get(1));
    assertArrayEquals(b("345"), values.get(2));
    assertEquals(2, store.approximateCount(KeyRange.all()));
    assertEquals(1, store.approximateCount(KeyRange.atLeast(b("b"))));
    assertEquals(7, store.approximateSize(KeyRange.all()));
    assertEquals(
        List.of("multiGet", "approximateCount", "approximateCount", "approximateSize"),
        engine.calls);
    assertEquals(1, successes("full", "multiget"));
    assertEquals(2, successes("full", "approximate.count"));
    assertEquals(1, successes("full", "approximate.size"));
    assertEquals(
        5,
        meters
            .find(Meters.BYTES)
            .tags("engine", "full", "op", "multiget", "direction", "read")
            .summary()
            .totalAmount());
    assertEquals(2, successes("full", "put"), "a put costs what it did: one timer");
  }

  @Test
  void multiGetAndTheApproximateSizesAreCheckedBeforeTheEngineSeesThem() {
    StorageEngine store = open("full");
    poison(full.last(), "multiGet");
    assertThrows(InvalidArgumentException.class, () -> store.multiGet(null));
    assertThrows(InvalidArgumentException.class, () -> store.multiGet(Arrays.asList(b("a"), null)));
    assertThrows(
        InvalidArgumentException.class,
        () -> store.multiGet(List.of(new byte[Limits.MAX_KEY_SIZE + 1])));
    poison(full.last(), "approximateCount");
    assertThrows(InvalidArgumentException.class, () -> store.approximateCount(null));
    poison(full.last(), "approximateSize");
    assertThrows(InvalidArgumentException.class, () -> store.approximateSize(null));

    StorageEngine unordered = open("basic");
    poison(basic.last(), "approximateCount");
    UnsupportedCapabilityException e =
        assertThrows(
            UnsupportedCapabilityException.class,
            () -> unordered.approximateCount(KeyRange.atLeast(b("a"))));
    assertTrue(e.getMessage().contains("ORDERED_SCANS"), e.getMessage());
    basic.last().faultOp = null;
    assertEquals(0, unordered.approximateCount(KeyRange.all()), "the whole store is fine");
  }

  @Test
  void aMultiGetAnswerOfTheWrongLengthIsAContractViolation() {
    StorageEngine store = open("full");
    full.last().shortMultiGet = true;

    ContractViolationException e =
        assertThrows(
            ContractViolationException.class, () -> store.multiGet(List.of(b("a"), b("b"))));

    assertTrue(e.getMessage().contains("returned 1 values for 2 keys"), e.getMessage());
    assertEquals(1, violations("full", "multiget"));
  }

  @Test
  void snapshotReadsAreTheEnginesToo() {
    StorageEngine store = open("full");
    store.put(b("a"), b("1"));
    try (Snapshot snapshot = store.snapshot()) {
      store.put(b("b"), b("2"));

      assertEquals(1, snapshot.approximateCount(KeyRange.all()));
      assertEquals(2, snapshot.approximateSize(KeyRange.all()));
      assertArrayEquals(b("1"), snapshot.multiGet(List.of(b("a"), b("b"))).getFirst());
      assertNull(snapshot.multiGet(List.of(b("a"), b("b"))).get(1));
    }
    assertEquals(2, successes("full", "multiget"));
  }

  @Test
  void healthIsTheEngines() {
    StorageEngine store = open("full");
    assertEquals(Health.unknown(), store.health(), "the SPI's default, from the engine");

    Health degraded = new Health(Health.Status.DEGRADED, 2, List.of("merge failed: disk full"));
    full.last().health = degraded;

    assertEquals(degraded, store.health());
    assertEquals(2, full.last().calls.stream().filter("health"::equals).count());
    assertEquals(2, successes("full", "health"));
    store.close();
    ClosedHandleException e = assertThrows(ClosedHandleException.class, store::health);
    assertEquals("store of engine 'full' is closed", e.getMessage());
  }

  @Test
  void afterAFailStopHealthSaysFailedWhateverTheEngineReports() {
    StorageEngine store = open("full");
    TinyEngine engine = full.last();
    engine.faultOp = "put";
    engine.fault = new EngineFailedException("fsync of wal-7 failed");
    assertThrows(EngineFailedException.class, () -> store.put(b("k"), b("v")));

    Health unknown = store.health();
    engine.health = new Health(Health.Status.OK, 1, List.of("compaction retried"));
    Health ok = store.health();

    assertEquals(Health.Status.FAILED, unknown.status());
    assertTrue(
        unknown.problems().getLast().contains("fsync of wal-7 failed"),
        unknown.problems().toString());
    assertEquals(Health.Status.FAILED, ok.status());
    assertEquals(1, ok.backgroundErrors());
    assertEquals("compaction retried", ok.problems().getFirst());
    engine.health = new Health(Health.Status.FAILED, 0, List.of("fail-stopped"));
    assertEquals(engine.health, store.health(), "an engine that says FAILED is taken as it says");
  }

  @Test
  void aNonSpiExceptionFromHealthIsAContractViolation() {
    StorageEngine store = open("full");
    full.last().faultOp = "health";
    full.last().fault = new IllegalStateException("no health here");

    ContractViolationException e = assertThrows(ContractViolationException.class, store::health);

    assertTrue(e.getMessage().contains("from health"), e.getMessage());
    assertEquals(1, violations("full", "health"));
  }

  @Test
  void aClosedStoreRefusesTheNewReads() {
    StorageEngine store = open("full");
    store.close();

    for (Executable call :
        List.<Executable>of(
            () -> store.multiGet(List.of(b("a"))),
            () -> store.approximateCount(KeyRange.all()),
            () -> store.approximateSize(KeyRange.all()),
            () -> store.putIfAbsent(b("a"), b("b")),
            () -> store.deleteRange(KeyRange.all(), Durability.SYNC))) {
      ClosedHandleException e = assertThrows(ClosedHandleException.class, call);
      assertEquals("store of engine 'full' is closed", e.getMessage());
    }
  }
}
