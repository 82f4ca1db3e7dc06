package dev.cairn.engine.hash;

import static dev.cairn.engine.hash.TestStores.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.runtime.EngineRegistry;
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
 * Through the runtime: the merge a write set off, on the engine's background thread, is recorded as
 * a Flight Recorder event naming the write's request.
 */
class FlightRecorderTest {

  private static final String ENGINE_WORK = "dev.cairn.EngineWork";

  @TempDir Path dir;
  @TempDir Path recordings;

  @Test
  void theMergeAWriteSetOffIsRecordedWithItsRequestId() throws Exception {
    List<EngineEvent> heard = new CopyOnWriteArrayList<>();
    Path jfr = recordings.resolve("hash.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(ENGINE_WORK);
      recording.start();
      try (StorageEngine store =
          EngineRegistry.of(List.of(new HashEngineProvider()))
              .store(dir)
              .engine("hash")
              .setting("file.size", "4096")
              .setting("merge.small.files", "0")
              .setting("merge.interval", "1h")
              .eventThreshold(Duration.ZERO)
              .eventListener(heard::add)
              .open()) {
        for (int i = 0; i < 6; i++) {
          store.put(b("k"), new byte[500]); // fills the first file, all of it stale below
        }
        RequestContext.of("trigger-7").run(() -> store.put(b("k"), new byte[1000]));
        // The merge runs on the engine's thread, woken by the seal; wait for it (bounded).
        for (int i = 0; i < 600 && merges(heard).isEmpty(); i++) {
          Thread.sleep(50);
        }
      }
      recording.stop();
      recording.dump(jfr);
    }
    List<EngineEvent> merges = merges(heard);
    assertFalse(merges.isEmpty(), "no merge in " + heard);
    assertEquals(Optional.of("trigger-7"), merges.getFirst().requestId());

    List<RecordedEvent> recorded =
        RecordingFile.readAllEvents(jfr).stream()
            .filter(r -> r.getEventType().getName().equals(ENGINE_WORK))
            .toList();
    List<RecordedEvent> merge =
        recorded.stream().filter(r -> "compaction".equals(r.getString("kind"))).toList();
    assertEquals(1, merge.size(), "one merge recorded: " + recorded);
    RecordedEvent m = merge.getFirst();
    assertEquals("trigger-7", m.getString("requestId"));
    assertEquals("hash", m.getString("engine"));
    assertTrue(m.getLong("bytes") > 0, m.toString());
    assertTrue(m.getString("detail").startsWith("merge of "), m.toString());
    assertTrue(
        recorded.stream()
            .anyMatch(
                r ->
                    "roll".equals(r.getString("kind"))
                        && "trigger-7".equals(r.getString("requestId"))),
        "the roll of the write that sealed the file: " + recorded);
    assertTrue(
        recorded.stream()
            .anyMatch(
                r ->
                    "fsync".equals(r.getString("kind"))
                        && String.valueOf(r.getString("requestId")).startsWith("cairn-")),
        "a SYNC put without a context forces under the id the runtime gave it: " + recorded);
  }

  private static List<EngineEvent> merges(List<EngineEvent> events) {
    return events.stream().filter(e -> e.kind() == EngineEvent.Kind.COMPACTION).toList();
  }
}
