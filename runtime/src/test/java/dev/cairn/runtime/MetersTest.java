package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetersTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final EngineRegistry registry =
      EngineRegistry.of(List.of(TinyProvider.inMemory("one"), TinyProvider.inMemory("two")));

  private StorageEngine open(String engine) {
    return registry.store().engine(engine).meterRegistry(meters).open();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Timer timer(String engine, String op, String outcome) {
    return meters
        .find(Meters.OPERATION)
        .tags("engine", engine, "op", op, "outcome", outcome)
        .timer();
  }

  private DistributionSummary bytes(String engine, String op, String direction) {
    return meters
        .find(Meters.BYTES)
        .tags("engine", engine, "op", op, "direction", direction)
        .summary();
  }

  @Test
  void operationsAreTimedAndTaggedByEngine() {
    try (StorageEngine one = open("one");
        StorageEngine two = open("two")) {
      one.put(b("a"), b("1"));
      one.put(b("b"), b("2"));
      two.put(b("c"), b("3"));
      one.get(b("a"));
      one.delete(b("a"));
      one.flush();
      one.statistics();
      one.checkConsistency();
      one.snapshot().close();
    }

    assertEquals(2, timer("one", "put", "success").count());
    assertEquals(1, timer("two", "put", "success").count());
    for (String op :
        List.of("get", "delete", "flush", "statistics", "check", "snapshot", "close")) {
      assertEquals(1, timer("one", op, "success").count(), op);
    }
    assertEquals(0, timer("one", "put", "error").count());
    assertTrue(
        timer("one", "put", "success").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
  }

  @Test
  void bytesAreCountedByOperationAndDirection() {
    try (StorageEngine store = open("one")) {
      store.put(b("key"), b("value")); // 8 bytes written
      store.write(new WriteBatch().put(b("k2"), b("v2")).delete(b("gone"))); // 8 bytes
      store.get(b("key")); // 5 bytes read
      store.get(b("absent")); // nothing read
      try (Cursor c = store.cursor()) {
        while (c.next()) {
          c.key();
          c.valueView();
        }
      }
    }

    assertEquals(8, bytes("one", "put", "write").totalAmount());
    assertEquals(1, bytes("one", "put", "write").count());
    assertEquals(8, bytes("one", "write", "write").totalAmount());
    assertEquals(5, bytes("one", "get", "read").totalAmount());
    assertEquals(1, bytes("one", "get", "read").count());
    // "k2"+"v2" and "key"+"value"
    assertEquals(12, bytes("one", "cursor", "read").totalAmount());
    assertEquals(1, bytes("one", "cursor", "read").count(), "recorded once per cursor");
  }

  @Test
  void cursorStepsAndSeeksAreSampledAndEveryStepCounted() {
    try (StorageEngine store = open("one")) {
      store.put(b("a"), b("1"));
      try (Cursor c = store.cursor()) {
        c.next(); // the first call of a cursor: timed
        c.next();
        c.seek(b("a"));
      }
      try (Snapshot s = store.snapshot();
          Cursor c = s.cursor()) {
        c.seek(b("a")); // timed
        c.next();
      }
    }

    assertEquals(2, timer("one", "cursor.open", "success").count());
    assertEquals(1, timer("one", "cursor.next", "success").count());
    assertEquals(1, timer("one", "cursor.seek", "success").count());
    assertEquals(3, steps("one"), "every step is counted");
  }

  @Test
  void oneCallInSampleEveryIsTimed() {
    int calls = 3 * BoundaryCursor.SAMPLE_EVERY + 1;
    try (StorageEngine store = open("one")) {
      store.put(b("a"), b("1"));
      try (Cursor c = store.cursor()) {
        for (int i = 0; i < calls; i++) {
          if (i % 2 == 0) {
            c.next();
          } else {
            c.seek(b("a"));
          }
        }
      }
    }
    // Calls 0, 64, 128 and 192 are timed: all even, so all steps.
    assertEquals(4, timer("one", "cursor.next", "success").count());
    assertEquals(0, timer("one", "cursor.seek", "success").count());
    assertEquals((calls + 1) / 2, steps("one"));
  }

  @Test
  void aCursorClosedByItsOwnerIsCountedToo() {
    StorageEngine store = open("one");
    store.put(b("a"), b("12"));
    Cursor c = store.cursor();
    c.next();
    c.valueView();
    store.close(); // closes the cursor

    assertEquals(1, steps("one"));
    assertEquals(2, bytes("one", "cursor", "read").totalAmount());
    assertEquals(1, bytes("one", "cursor", "read").count(), "once per cursor");
  }

  private double steps(String engine) {
    return meters.find(Meters.CURSOR_STEPS).tags("engine", engine).counter().count();
  }

  @Test
  void errorsAreCountedByExceptionAndTimedAsErrors() {
    try (StorageEngine store = open("one")) {
      assertThrows(InvalidArgumentException.class, () -> store.put(null, b("v")));
      assertThrows(InvalidArgumentException.class, () -> store.get(null));
      assertThrows(InvalidArgumentException.class, () -> store.get(null));
    }

    assertEquals(
        1,
        meters
            .find(Meters.ERRORS)
            .tags("engine", "one", "op", "put", "exception", "InvalidArgumentException")
            .counter()
            .count());
    assertEquals(
        2,
        meters
            .find(Meters.ERRORS)
            .tags("engine", "one", "op", "get", "exception", "InvalidArgumentException")
            .counter()
            .count());
    assertEquals(2, timer("one", "get", "error").count());
    assertEquals(0, timer("one", "get", "success").count());
  }

  @Test
  void everyMeterCarriesTheEngineTagAndOnlyDocumentedNames() {
    open("one").close();

    List<String> names =
        List.of(
            Meters.OPERATION,
            Meters.BYTES,
            Meters.CURSOR_STEPS,
            Meters.ERRORS,
            Meters.VIOLATIONS,
            Meters.LEAKS,
            EngineEvents.WORK);
    for (Meter m : meters.getMeters()) {
      assertTrue(names.contains(m.getId().getName()), m.getId().toString());
      assertEquals("one", m.getId().getTag("engine"), m.getId().toString());
    }
    assertNotNull(meters.find(Meters.LEAKS).tags("kind", "cursor").counter());
    assertNotNull(meters.find(Meters.LEAKS).tags("kind", "snapshot").counter());
    // Untimed operations have no timer.
    assertNull(meters.find(Meters.OPERATION).tags("op", "cursor.read").timer());
  }
}
