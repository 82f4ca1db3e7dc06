package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.SpiVersion;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageEngineProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorConversionTest {

  private final TinyProvider memory = TinyProvider.inMemory("memory");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final StorageEngine store =
      EngineRegistry.of(List.of(memory)).store().engine("memory").meterRegistry(meters).open();
  private final TinyEngine engine = memory.last();

  @AfterEach
  void close() {
    engine.faultOp = null;
    store.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private double violations(String op) {
    var c = meters.find(Meters.VIOLATIONS).tags("engine", "memory", "op", op).counter();
    return c == null ? 0 : c.count();
  }

  private double errors(String op, String exception) {
    var c =
        meters
            .find(Meters.ERRORS)
            .tags("engine", "memory", "op", op, "exception", exception)
            .counter();
    return c == null ? 0 : c.count();
  }

  private ContractViolationException violationFrom(String op, Throwable fault, Runnable call) {
    engine.faultOp = op;
    engine.fault = fault;
    ContractViolationException e = assertThrows(ContractViolationException.class, call::run);
    engine.faultOp = null;
    return e;
  }

  @Test
  void aRuntimeExceptionBecomesAViolationWithTheOriginalAsCause() {
    IllegalStateException boom = new IllegalStateException("boom");

    ContractViolationException e = violationFrom("get", boom, () -> store.get(b("k")));

    assertSame(boom, e.getCause());
    assertEquals(
        "engine 'memory' threw java.lang.IllegalStateException from get: boom", e.getMessage());
    assertEquals(1, violations("get"));
    assertEquals(1, errors("get", "ContractViolationException"));
    assertEquals(0, violations("put"));
  }

  @Test
  void anErrorOrACheckedExceptionBecomesAViolation() {
    assertTrue(
        violationFrom("put", new AssertionError("bad"), () -> store.put(b("k"), b("v"))).getCause()
            instanceof AssertionError);
    assertTrue(
        violationFrom("flush", new IOException("disk"), store::flush).getCause()
            instanceof IOException);
    assertEquals(1, violations("put"));
    assertEquals(1, violations("flush"));
  }

  @Test
  void anInterruptSwallowedByTheEngineIsRestored() {
    violationFrom("delete", new InterruptedException(), () -> store.delete(b("k")));

    assertTrue(Thread.interrupted()); // also clears it for the next test
  }

  @Test
  void virtualMachineErrorsPassThrough() {
    OutOfMemoryError oom = new OutOfMemoryError("test");
    engine.faultOp = "get";
    engine.fault = oom;

    assertSame(oom, assertThrows(OutOfMemoryError.class, () -> store.get(b("k"))));
    assertEquals(0, violations("get"));
  }

  @Test
  void storageExceptionsPassUnchangedAndAreCountedAsErrors() {
    CorruptionException corrupt = new CorruptionException("bad checksum in f at 12");
    engine.faultOp = "get";
    engine.fault = corrupt;

    assertSame(corrupt, assertThrows(CorruptionException.class, () -> store.get(b("k"))));
    assertEquals(1, errors("get", "CorruptionException"));
    assertEquals(0, violations("get"));
  }

  @Test
  void aCursorReturningAKeyOutsideItsRangeIsAViolation() {
    store.put(b("a"), b("1"));
    store.put(b("m"), b("2"));
    engine.ignoreRange = true;

    try (Cursor c = store.cursor(KeyRange.atLeast(b("k")), Direction.FORWARD)) {
      ContractViolationException e = assertThrows(ContractViolationException.class, c::next);
      assertTrue(e.getMessage().contains("key 61 outside its range [6b, +inf)"), e.getMessage());
    }
    assertEquals(1, violations("cursor.next"));
  }

  @Test
  void aCursorReturningKeysOutOfOrderIsAViolation() {
    store.put(b("a"), b("1"));
    store.put(b("b"), b("2"));
    engine.wrongOrder = true;

    try (Cursor c = store.cursor(KeyRange.all(), Direction.FORWARD)) {
      assertTrue(c.next());
      ContractViolationException e = assertThrows(ContractViolationException.class, c::next);
      assertTrue(e.getMessage().contains("key 61 after 62, out of FORWARD order"), e.getMessage());
    }
    try (Cursor c = store.cursor(KeyRange.all(), Direction.REVERSE)) {
      assertTrue(c.next());
      assertThrows(ContractViolationException.class, c::next);
    }
    assertEquals(2, violations("cursor.next"));
  }

  @Test
  void aKeyBeforeTheSeekTargetIsAViolation() {
    store.put(b("a"), b("1"));
    store.put(b("b"), b("2"));
    engine.wrongOrder = true; // a reverse cursor in disguise: seek("b") lands on "b", then "a"

    try (Cursor c = store.cursor(KeyRange.all(), Direction.FORWARD)) {
      c.seek(b("c"));
      ContractViolationException e = assertThrows(ContractViolationException.class, c::next);
      assertTrue(e.getMessage().contains("before its seek target 63"), e.getMessage());
    }
  }

  @Test
  void aValueBeyondLimitsIsAViolation() {
    engine.hugeValues = true;

    ContractViolationException e =
        assertThrows(ContractViolationException.class, () -> store.get(b("k")));

    assertTrue(e.getMessage().contains("16777217 bytes, beyond Limits"), e.getMessage());
    assertEquals(1, violations("get"));
  }

  @Test
  void aFailingCloseIsReportedOnceAndTheStoreIsClosedAnyway() {
    ContractViolationException e =
        violationFrom("close", new IllegalStateException("stuck"), store::close);

    assertTrue(e.getMessage().contains("from close: stuck"), e.getMessage());
    store.close(); // idempotent, no second report
    assertEquals(1, violations("close"));
  }

  /** A provider whose open misbehaves as told. */
  private record BadOpen(RuntimeException thrown) implements StorageEngineProvider {
    @Override
    public String name() {
      return "bad";
    }

    @Override
    public String version() {
      return "1";
    }

    @Override
    public SpiVersion spiVersion() {
      return SpiVersion.CURRENT;
    }

    @Override
    public Set<Capability> capabilities() {
      return Set.of();
    }

    @Override
    public StorageEngine open(EngineOptions options) {
      if (thrown != null) {
        throw thrown;
      }
      return null;
    }
  }

  @Test
  void aProviderFailingToOpenIsAViolation() {
    IllegalArgumentException cause = new IllegalArgumentException("nope");
    EngineRegistry throwing = EngineRegistry.of(List.of(new BadOpen(cause)));
    EngineRegistry returningNull = EngineRegistry.of(List.of(new BadOpen(null)));

    ContractViolationException e =
        assertThrows(
            ContractViolationException.class,
            () -> throwing.store().engine("bad").meterRegistry(meters).open());
    assertSame(cause, e.getCause());
    assertTrue(
        assertThrows(
                ContractViolationException.class,
                () -> returningNull.store().engine("bad").meterRegistry(meters).open())
            .getMessage()
            .contains("returned null from open()"));
    assertEquals(
        2, meters.find(Meters.VIOLATIONS).tags("engine", "bad", "op", "open").counter().count());
    assertFalse(store.toString().isEmpty());
  }
}
