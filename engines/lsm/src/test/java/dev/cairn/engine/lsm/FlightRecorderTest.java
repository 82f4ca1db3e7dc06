package dev.cairn.engine.lsm;

import static dev.cairn.engine.lsm.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.EngineRegistry;
import dev.cairn.spi.Durability;
import dev.cairn.spi.EngineEvent;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the runtime: the flush a write set off, run on the engine's flush thread, and the forces
 * of a commit, run on its fsync thread, are recorded as Flight Recorder events naming the request
 * of the write.
 */
class FlightRecorderTest {

  private static final String ENGINE_WORK = "dev.cairn.EngineWork";

  @TempDir Path dir;
  @TempDir Path recordings;

  private static boolean flushedFor(List<EngineEvent> heard, String requestId) {
    return heard.stream()
        .anyMatch(
            e ->
                e.kind() == EngineEvent.Kind.FLUSH && e.requestId().equals(Optional.of(requestId)));
  }

  @Test
  void theFlushAWriteSetOffIsRecordedWithItsRequestId() throws Exception {
    List<EngineEvent> heard = new CopyOnWriteArrayList<>();
    Path jfr = recordings.resolve("lsm.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(ENGINE_WORK);
      recording.start();
      try (StorageEngine store =
          EngineRegistry.of(List.of(new LsmEngineProvider()))
              .store(dir)
              .engine("lsm")
              .settings(LsmConformanceTest.TINY)
              .eventThreshold(Duration.ZERO)
              .eventListener(heard::add)
              .open()) {
        // 8 KiB memtables: twenty 1 KB writes under one request fill one at least.
        RequestContext.of("bulk-7")
            .run(
                () -> {
                  for (int i = 0; i < 20; i++) {
                    store.put(b("k" + i), new byte[1000], Durability.BUFFERED);
                  }
                });
        store.put(b("k"), b("v"), Durability.SYNC);
        for (int i = 0; i < 3000 && !flushedFor(heard, "bulk-7"); i++) {
          Thread.sleep(10);
        }
      }
      recording.stop();
      recording.dump(jfr);
    }
    assertTrue(flushedFor(heard, "bulk-7"), "the listener heard the flush: " + heard);

    List<RecordedEvent> recorded =
        RecordingFile.readAllEvents(jfr).stream()
            .filter(r -> r.getEventType().getName().equals(ENGINE_WORK))
            .toList();
    List<RecordedEvent> flushes =
        recorded.stream()
            .filter(r -> "flush".equals(r.getString("kind")))
            .filter(r -> "bulk-7".equals(r.getString("requestId")))
            .toList();
    assertFalse(flushes.isEmpty(), "the flush of the memtable bulk-7 filled: " + recorded);
    RecordedEvent flush = flushes.getFirst();
    assertEquals("lsm", flush.getString("engine"));
    assertTrue(
        flush.getString("detail").startsWith("flush of the memtable of write-ahead log "),
        flush.toString());
    assertTrue(flush.getLong("bytes") > 0, flush.toString());
    assertTrue(
        recorded.stream()
            .anyMatch(
                r ->
                    "roll".equals(r.getString("kind"))
                        && "bulk-7".equals(r.getString("requestId"))),
        "the log roll of that write: " + recorded);
    assertTrue(
        recorded.stream()
            .anyMatch(
                r ->
                    "fsync".equals(r.getString("kind"))
                        && r.getString("detail").contains("for a group commit of")
                        && String.valueOf(r.getString("requestId")).startsWith("cairn-")),
        "a SYNC put without a context is forced under the id the runtime gave it: " + recorded);
    assertTrue(
        recorded.stream().anyMatch(r -> "recovery".equals(r.getString("kind"))),
        "the open's recovery: " + recorded);
  }
}
