package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
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
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the runtime: the flush a write set off, on RocksDB's own thread, is recorded as a Flight
 * Recorder event naming the write's request.
 */
class FlightRecorderTest {

  private static final String ENGINE_WORK = "dev.cairn.EngineWork";

  @TempDir Path dir;
  @TempDir Path recordings;

  @Test
  void theFlushAWriteSetOffIsRecordedWithItsRequestId() throws Exception {
    List<EngineEvent> heard = new CopyOnWriteArrayList<>();
    Path jfr = recordings.resolve("rocksdb.jfr");
    SplittableRandom random = new SplittableRandom(3);
    try (Recording recording = new Recording()) {
      recording.enable(ENGINE_WORK);
      recording.start();
      try (StorageEngine store =
          EngineRegistry.of(List.of(new RocksDbProvider()))
              .store(dir)
              .engine("rocksdb")
              .setting("write-buffer.size", "64k")
              .setting("compression", "none")
              .eventThreshold(Duration.ZERO)
              .eventListener(heard::add)
              .open()) {
        // 16 KiB values into a 64 KiB memtable: some write of these seals it.
        for (int i = 0; i < 8 && flushes(heard).isEmpty(); i++) {
          byte[] value = new byte[16 * 1024];
          random.nextBytes(value);
          RequestContext.of("writer-" + i).run(() -> store.put(b("k"), value));
          for (int wait = 0; wait < 40 && flushes(heard).isEmpty(); wait++) {
            Thread.sleep(25); // the flush runs on RocksDB's thread
          }
        }
      }
      recording.stop();
      recording.dump(jfr);
    }
    List<EngineEvent> flushes = flushes(heard);
    assertFalse(flushes.isEmpty(), "no flush in " + heard);
    String writer = flushes.getFirst().requestId().orElseThrow();
    assertTrue(writer.startsWith("writer-"), flushes.toString());

    List<RecordedEvent> recorded =
        RecordingFile.readAllEvents(jfr).stream()
            .filter(r -> r.getEventType().getName().equals(ENGINE_WORK))
            .filter(r -> "flush".equals(r.getString("kind")))
            .toList();
    assertFalse(recorded.isEmpty(), "no flush recorded");
    RecordedEvent f = recorded.getFirst();
    assertEquals(writer, f.getString("requestId"));
    assertEquals("rocksdb", f.getString("engine"));
    assertTrue(f.getLong("bytes") > 16 * 1024, f.toString());
  }

  private static List<EngineEvent> flushes(List<EngineEvent> events) {
    return events.stream().filter(e -> e.kind() == EngineEvent.Kind.FLUSH).toList();
  }
}
