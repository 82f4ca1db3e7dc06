package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.StorageEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreBuilder#openingStacks(boolean)}: without stacks, leaks are still found, closed,
 * counted and reported, with a shared stack-less {@code openedAt}; with them (the default), the
 * report names the opener. Leaks are awaited as in {@link LeakDetectionTest}.
 */
class OpeningStacksTest {

  private static final int MAX_GCS = 200;

  private final TinyProvider memory = TinyProvider.inMemory("memory");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final BlockingQueue<LeakReport> reports = new LinkedBlockingQueue<>();
  private StorageEngine store;

  private StorageEngine open(StoreBuilder builder) {
    store = builder.engine("memory").meterRegistry(meters).leakListener(reports::add).open();
    return store;
  }

  private StorageEngine openWithoutStacks() {
    return open(EngineRegistry.of(List.of(memory)).store().openingStacks(false));
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  private LeakReport awaitReport() throws InterruptedException {
    for (int i = 0; i < MAX_GCS; i++) {
      System.gc();
      LeakReport r = reports.poll(50, TimeUnit.MILLISECONDS);
      if (r != null) {
        return r;
      }
    }
    return fail("no leak reported after " + MAX_GCS + " collections");
  }

  private static boolean namesThisTest(LeakReport report) {
    return Arrays.stream(report.openedAt().getStackTrace())
        .anyMatch(f -> f.getClassName().equals(OpeningStacksTest.class.getName()));
  }

  private static boolean openedIn(LeakReport report, String method) {
    return Arrays.stream(report.openedAt().getStackTrace())
        .anyMatch(
            f ->
                f.getClassName().equals(OpeningStacksTest.class.getName())
                    && f.getMethodName().equals(method));
  }

  private static void assertNotCaptured(LeakReport report) {
    assertSame(Leaks.NOT_CAPTURED, report.openedAt(), "one shared throwable");
    assertEquals(0, report.openedAt().getStackTrace().length);
    assertFalse(namesThisTest(report), "no frame of the opener");
    assertTrue(
        report.openedAt().getMessage().contains("StoreBuilder.openingStacks(true)"),
        report.openedAt().getMessage());
  }

  private double leaks(String kind) {
    return meters.find(Meters.LEAKS).tags("engine", "memory", "kind", kind).counter().count();
  }

  private static void leakCursor(StorageEngine store) {
    store.cursor().next();
  }

  private static void leakSnapshot(StorageEngine store) {
    store.snapshot();
  }

  @Test
  void withoutStacksALeakedCursorIsStillReportedClosedAndCounted() throws InterruptedException {
    leakCursor(openWithoutStacks());

    LeakReport report = awaitReport();

    assertEquals("memory", report.engine());
    assertEquals("cursor", report.kind());
    assertNotCaptured(report);
    assertTrue(memory.last().cursors.getFirst().closed, "the engine's cursor was closed");
    assertEquals(1, leaks("cursor"));
  }

  @Test
  void withoutStacksALeakedSnapshotIsStillReportedClosedAndCounted() throws InterruptedException {
    leakSnapshot(openWithoutStacks());

    LeakReport report = awaitReport();

    assertEquals("snapshot", report.kind());
    assertNotCaptured(report);
    assertTrue(memory.last().snapshots.getFirst().closed, "the engine's snapshot was closed");
    assertEquals(1, leaks("snapshot"));
    assertEquals(0, leaks("cursor"));
  }

  @Test
  void withoutStacksTheDefaultListenerStillGetsAReportItCanLog() throws InterruptedException {
    // The default listener logs openedAt as the record's throwable: it must print a line that
    // says how to get the stack, and nothing of the opener.
    leakCursor(openWithoutStacks());

    LeakReport report = awaitReport();
    StringWriter printed = new StringWriter();
    report.openedAt().printStackTrace(new PrintWriter(printed));

    assertTrue(printed.toString().contains("openingStacks(true)"), printed.toString());
    assertFalse(printed.toString().contains(OpeningStacksTest.class.getName()), printed.toString());
  }

  @Test
  void byDefaultALeakedCursorNamesTheMethodThatOpenedIt() throws InterruptedException {
    leakCursor(open(EngineRegistry.of(List.of(memory)).store()));

    LeakReport report = awaitReport();

    assertEquals("cursor", report.kind());
    assertTrue(openedIn(report, "leakCursor"), "the opening method is on the stack");
    assertTrue(
        openedIn(report, "byDefaultALeakedCursorNamesTheMethodThatOpenedIt"),
        "the opening test is on the stack");
    assertEquals(1, leaks("cursor"));
  }

  @Test
  void withStacksOnALeakedSnapshotNamesTheMethodThatOpenedIt() throws InterruptedException {
    leakSnapshot(open(EngineRegistry.of(List.of(memory)).store().openingStacks(true)));

    LeakReport report = awaitReport();

    assertEquals("snapshot", report.kind());
    assertTrue(
        openedIn(report, "withStacksOnALeakedSnapshotNamesTheMethodThatOpenedIt"),
        "the opening test is on the stack");
    assertEquals(1, leaks("snapshot"));
  }

  @Test
  void theDefaultLogLinePromisesAnOpeningStackOnlyWhenOneWasRecorded() {
    String without = Leaks.message(new LeakReport("memory", "cursor", Leaks.NOT_CAPTURED));
    assertFalse(without.contains("opened at"), without);
    assertTrue(without.contains("a cursor became unreachable"), without);
    String with =
        Leaks.message(new LeakReport("memory", "snapshot", new Throwable("snapshot opened here")));
    assertTrue(with.endsWith("It was opened at:"), with);
  }
}
