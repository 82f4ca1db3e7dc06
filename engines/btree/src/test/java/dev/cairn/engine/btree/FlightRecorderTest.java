package dev.cairn.engine.btree;

import static dev.cairn.engine.btree.TestStores.b;
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
 * Through the runtime: the forces of a commit, made on the engine's committer thread, are recorded
 * as Flight Recorder events naming the request of the write they made durable.
 */
class FlightRecorderTest {

  private static final String ENGINE_WORK = "dev.cairn.EngineWork";

  @TempDir Path dir;
  @TempDir Path recordings;

  @Test
  void theForcesOfACommitAreRecordedWithItsRequestId() throws Exception {
    List<EngineEvent> heard = new CopyOnWriteArrayList<>();
    Path jfr = recordings.resolve("btree.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(ENGINE_WORK);
      recording.start();
      try (StorageEngine store =
          EngineRegistry.of(List.of(new BtreeEngineProvider()))
              .store(dir)
              .engine("btree")
              .settings(BtreeConformanceTest.SMALL)
              .eventThreshold(Duration.ZERO)
              .eventListener(heard::add)
              .open()) {
        store.put(b("k0"), b("v0"), Durability.BUFFERED);
        RequestContext.of("commit-7").run(() -> store.put(b("k"), new byte[5000], Durability.SYNC));
        store.put(b("k2"), b("v2"), Durability.SYNC);
      }
      recording.stop();
      recording.dump(jfr);
    }
    List<EngineEvent> forces =
        heard.stream()
            .filter(e -> e.kind() == EngineEvent.Kind.FSYNC)
            .filter(e -> e.requestId().equals(Optional.of("commit-7")))
            .toList();
    assertEquals(2, forces.size(), "data and meta forces of the commit: " + heard);

    List<RecordedEvent> recorded =
        RecordingFile.readAllEvents(jfr).stream()
            .filter(r -> r.getEventType().getName().equals(ENGINE_WORK))
            .toList();
    List<RecordedEvent> commit =
        recorded.stream()
            .filter(r -> "fsync".equals(r.getString("kind")))
            .filter(r -> "commit-7".equals(r.getString("requestId")))
            .toList();
    assertEquals(2, commit.size(), "the commit's data and meta forces: " + recorded);
    RecordedEvent data = commit.getFirst();
    assertEquals("btree", data.getString("engine"));
    assertTrue(
        data.getString("detail").startsWith("fsync of data of transaction "), data.toString());
    assertTrue(data.getLong("bytes") > 5000, "its overflow pages and leaf: " + data);
    assertTrue(
        commit.getLast().getString("detail").startsWith("fsync of meta of transaction "),
        commit.getLast().toString());
    assertFalse(
        recorded.stream()
            .filter(r -> "fsync".equals(r.getString("kind")))
            .anyMatch(r -> r.getString("requestId") == null),
        "every commit's force names a request: the runtime gives a write without one an id: "
            + recorded);
    assertTrue(
        recorded.stream()
            .anyMatch(
                r ->
                    "fsync".equals(r.getString("kind"))
                        && String.valueOf(r.getString("requestId")).startsWith("cairn-")),
        "a SYNC put without a context forces under the id the runtime gave it: " + recorded);
    assertTrue(
        recorded.stream().anyMatch(r -> "recovery".equals(r.getString("kind"))),
        "the open's recovery: " + recorded);
  }
}
