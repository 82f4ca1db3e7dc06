package dev.cairn.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request context across the boundary: deadlines refused before the engine sees a call, the
 * request id in what the engine throws, in leak reports and in the events of the background work a
 * request set off (the listener's and Flight Recorder's).
 */
class RequestContextBoundaryTest {

  @TempDir Path tmp;

  private final TinyProvider tiny = TinyProvider.spi11("tiny");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final BlockingQueue<LeakReport> leaks = new LinkedBlockingQueue<>();
  private final List<EngineEvent> events = new CopyOnWriteArrayList<>();
  private final StorageEngine store =
      EngineRegistry.of(List.of(tiny))
          .store()
          .engine("tiny")
          .meterRegistry(meters)
          .leakListener(leaks::add)
          .eventListener(events::add)
          .eventThreshold(Duration.ofMillis(5))
          .open();

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aPassedDeadlineFailsEveryOperationBeforeTheEngineSeesItWithNothingWritten() {
    RequestContext late = RequestContext.of("late-7").withDeadline(Instant.now().minusMillis(1));
    DeadlineExceededException put =
        assertThrows(
            DeadlineExceededException.class, () -> late.run(() -> store.put(b("k"), b("v"))));
    assertTrue(put.getMessage().startsWith("put not started"), put.getMessage());
    assertEquals(Optional.of("late-7"), put.requestId());
    WriteBatch batch = new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2"));
    assertThrows(DeadlineExceededException.class, () -> late.run(() -> store.write(batch)));
    assertThrows(
        DeadlineExceededException.class,
        () -> late.run(() -> store.keyspace("default").put(b("c"), b("3"))));
    assertThrows(DeadlineExceededException.class, () -> late.run(() -> store.delete(b("k"))));
    assertThrows(DeadlineExceededException.class, () -> late.run(() -> store.get(b("k"))));
    assertThrows(DeadlineExceededException.class, () -> late.run(store::flush));

    assertNull(store.get(b("k")), "nothing of the put was written");
    assertNull(store.get(b("a")), "nothing of the batch was written");
    assertNull(store.get(b("c")));
    assertEquals(
        6.0,
        meters.find(Meters.ERRORS).tag("exception", "DeadlineExceededException").counters().stream()
            .mapToDouble(c -> c.count())
            .sum(),
        "each refusal is counted as an error");

    RequestContext inTime = RequestContext.of("ok-1").withTimeout(Duration.ofMinutes(5));
    inTime.run(() -> store.put(b("k"), b("v")));
    assertEquals("v", new String(store.get(b("k")), UTF_8));
  }

  @Test
  void whatTheEngineThrowsNamesTheCallersRequestOrOneTheBoundaryMade() {
    tiny.last().faultOp = "put";
    tiny.last().faultMaker = () -> new StorageIOException("disk full");
    StorageIOException named =
        assertThrows(
            StorageIOException.class,
            () -> RequestContext.of("req-99").run(() -> store.put(b("k"), b("v"))));
    assertEquals(Optional.of("req-99"), named.requestId());
    assertTrue(named.toString().endsWith("[request req-99]"), named.toString());

    StorageIOException generated =
        assertThrows(StorageIOException.class, () -> store.put(b("k"), b("v")));
    assertTrue(
        generated.requestId().orElseThrow().startsWith("cairn-"),
        "a write without a context gets one at the boundary: " + generated);

    tiny.last().faultOp = "get";
    tiny.last().faultMaker = () -> new IllegalStateException("engine bug");
    RuntimeException violation =
        assertThrows(
            RuntimeException.class, () -> RequestContext.of("r-get").call(() -> store.get(b("k"))));
    assertTrue(violation.toString().contains("[request r-get]"), violation.toString());
  }

  @Test
  void aLeakReportNamesTheRequestThatOpenedTheHandle() throws InterruptedException {
    store.put(b("k"), b("v"));
    RequestContext.of("leaky-3").run(this::openCursorAndForgetIt);
    LeakReport r = null;
    for (int i = 0; i < 200 && r == null; i++) {
      System.gc();
      r = leaks.poll(50, TimeUnit.MILLISECONDS);
    }
    if (r == null) {
      fail("no leak reported after 200 collections");
    }
    assertEquals(Optional.of("leaky-3"), r.requestId());
    assertTrue(Leaks.message(r).contains("opened by request 'leaky-3'"), Leaks.message(r));
  }

  private void openCursorAndForgetIt() {
    Cursor c = store.cursor();
    c.next();
  }

  @Test
  void backgroundWorkARequestSetOffIsReportedWithItsIdToTheListenerAndFlightRecorder()
      throws Exception {
    Path jfr = tmp.resolve("events.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(EngineWorkEvent.NAME);
      recording.start();
      tiny.last().backgroundWorkNanos = 20_000_000;
      RequestContext.of("writer-5").run(() -> store.put(b("k"), b("value")));
      tiny.last().backgroundWorkNanos = 1_000; // under the threshold: timed, not reported
      RequestContext.of("quick-6").run(() -> store.put(b("k"), b("v")));
      recording.stop();
      recording.dump(jfr);
    }
    assertEquals(1, events.size(), "only the event over the threshold: " + events);
    EngineEvent e = events.getFirst();
    assertEquals(EngineEvent.Kind.FLUSH, e.kind());
    assertEquals(Optional.of("writer-5"), e.requestId());
    assertEquals(5, e.bytes());

    List<RecordedEvent> recorded =
        RecordingFile.readAllEvents(jfr).stream()
            .filter(r -> r.getEventType().getName().equals(EngineWorkEvent.NAME))
            .toList();
    assertEquals(1, recorded.size(), "one Flight Recorder event: " + recorded);
    RecordedEvent r = recorded.getFirst();
    assertEquals("writer-5", r.getString("requestId"));
    assertEquals("flush", r.getString("kind"));
    assertEquals("tiny", r.getString("engine"));
    assertEquals(20_000_000L, r.getLong("workDuration"));
    assertEquals(
        2,
        meters.find(EngineEvents.WORK).tag("kind", "flush").timer().count(),
        "every event is timed, the quick one too");
  }

  @Test
  void badEventSettingsAreRefused() {
    StoreBuilder b = EngineRegistry.of(List.of(tiny)).store().engine("tiny");
    assertThrows(InvalidArgumentException.class, () -> b.eventListener(null));
    assertThrows(InvalidArgumentException.class, () -> b.eventThreshold(null));
    InvalidArgumentException negative =
        assertThrows(InvalidArgumentException.class, () -> b.eventThreshold(Duration.ofMillis(-1)));
    assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
  }
}
