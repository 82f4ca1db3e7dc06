package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leak detection. Each test drops a handle and runs {@code System.gc()} in a bounded loop until the
 * listener hears of it; the bound is generous and only failure is slow.
 */
class LeakDetectionTest {

  private static final int MAX_GCS = 200;

  private final TinyProvider memory = TinyProvider.inMemory("memory");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final BlockingQueue<LeakReport> reports = new LinkedBlockingQueue<>();
  private final StorageEngine store =
      EngineRegistry.of(List.of(memory))
          .store()
          .engine("memory")
          .meterRegistry(meters)
          .leakListener(reports::add)
          .open();

  @AfterEach
  void close() {
    store.close();
  }

  /**
   * The next leak report, collecting garbage until one comes: at least {@value #MAX_GCS}
   * collections, and at least a minute (the cleaner thread that reports may get little time on a
   * loaded machine).
   */
  private LeakReport awaitReport() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    for (int i = 0; i < MAX_GCS || System.nanoTime() - deadline < 0; i++) {
      System.gc();
      LeakReport r = reports.poll(50, TimeUnit.MILLISECONDS);
      if (r != null) {
        return r;
      }
    }
    return fail("no leak reported after " + MAX_GCS + " collections and a minute");
  }

  private static boolean openedIn(LeakReport report, String method) {
    return Arrays.stream(report.openedAt().getStackTrace())
        .anyMatch(
            f ->
                f.getClassName().equals(LeakDetectionTest.class.getName())
                    && f.getMethodName().equals(method));
  }

  private double leaks(String kind) {
    return meters.find(Meters.LEAKS).tags("engine", "memory", "kind", kind).counter().count();
  }

  private void openCursorAndForgetIt() {
    Cursor c = store.cursor();
    c.next();
  }

  @Test
  void aDroppedCursorIsReportedWithWhereItWasOpenedAndClosed() throws InterruptedException {
    store.put("k".getBytes(StandardCharsets.UTF_8), new byte[] {1});
    openCursorAndForgetIt();

    LeakReport report = awaitReport();

    assertEquals("memory", report.engine());
    assertEquals("cursor", report.kind());
    assertTrue(openedIn(report, "aDroppedCursorIsReportedWithWhereItWasOpenedAndClosed"));
    assertTrue(openedIn(report, "openCursorAndForgetIt"));
    assertTrue(memory.last().cursors.getFirst().closed, "the engine's cursor was closed");
    assertEquals(1, leaks("cursor"));
  }

  private void takeSnapshotAndForgetIt() {
    store.snapshot();
  }

  @Test
  void aDroppedSnapshotIsReportedAndClosed() throws InterruptedException {
    takeSnapshotAndForgetIt();

    LeakReport report = awaitReport();

    assertEquals("snapshot", report.kind());
    assertTrue(openedIn(report, "aDroppedSnapshotIsReportedAndClosed"));
    assertTrue(memory.last().snapshots.getFirst().closed);
    assertEquals(1, leaks("snapshot"));
    assertEquals(0, leaks("cursor"));
  }

  private void closeACursorThenLeakAnother() {
    store.cursor().close();
    store.cursor();
  }

  @Test
  void aClosedHandleIsNeverReported() throws InterruptedException {
    closeACursorThenLeakAnother();

    awaitReport();
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }

    assertTrue(reports.isEmpty(), "only the unclosed cursor is reported: " + reports);
    assertEquals(1, leaks("cursor"));
  }

  private Cursor cursorOnAForgottenSnapshot() {
    Snapshot s = store.snapshot();
    return s.cursor();
  }

  @Test
  void aCursorKeepsItsSnapshotFromBeingReported() throws InterruptedException {
    Cursor cursor = cursorOnAForgottenSnapshot();
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
    }

    assertTrue(reports.isEmpty(), reports.toString());
    cursor.next(); // still usable: its snapshot was not closed under it

    cursor = null;
    LeakReport first = awaitReport();
    LeakReport second = awaitReport();
    assertEquals(
        List.of("cursor", "snapshot"),
        List.of(first.kind(), second.kind()).stream().sorted().toList());
  }

  /**
   * A cursor and its snapshot forgotten together become unreachable in the same collection, and the
   * cleaner may run the snapshot's action first: closing the snapshot's cursors then must still
   * report the cursor as leaked (it had been closed quietly, and its own action found nothing to
   * report).
   */
  @Test
  void aCursorForgottenWithItsSnapshotIsReportedWhenTheSnapshotIsCleanedFirst() throws Exception {
    Snapshot s = store.snapshot();
    Cursor c = s.cursor();
    java.lang.reflect.Field f = BoundarySnapshot.class.getDeclaredField("cleanable");
    f.setAccessible(true);
    ((java.lang.ref.Cleaner.Cleanable) f.get(s)).clean(); // as the cleaner would, first
    LeakReport first = reports.poll(10, TimeUnit.SECONDS);
    LeakReport second = reports.poll(10, TimeUnit.SECONDS);
    assertTrue(first != null && second != null, "two reports: " + first + ", " + second);
    assertEquals(
        List.of("cursor", "snapshot"),
        List.of(first.kind(), second.kind()).stream().sorted().toList());
    assertEquals(1.0, leaks("cursor"));
    assertTrue(c.toString() != null); // the cursor stays reachable to here, as a forgotten one
  }

  @Test
  void aThrowingListenerDoesNotStopTheCleanup() throws InterruptedException {
    BlockingQueue<LeakReport> seen = new LinkedBlockingQueue<>();
    StorageEngine other =
        EngineRegistry.of(List.of(memory))
            .store()
            .engine("memory")
            .meterRegistry(meters)
            .leakListener(
                r -> {
                  seen.add(r);
                  throw new IllegalStateException("listener bug");
                })
            .open();
    try {
      leakFrom(other);
      for (int i = 0; i < MAX_GCS && seen.isEmpty(); i++) {
        System.gc();
        Thread.sleep(50);
      }
      assertEquals(1, seen.size());
      assertTrue(memory.last().cursors.getFirst().closed);
    } finally {
      other.close();
    }
  }

  private static void leakFrom(StorageEngine store) {
    store.cursor();
  }
}
