package dev.cairn.engine.rocksdb;

import static dev.cairn.engine.rocksdb.Fixtures.b;
import static dev.cairn.engine.rocksdb.Fixtures.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.DeadlineExceededException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.RequestContext;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write whose deadline has passed when it reaches the engine is refused with nothing written. */
class DeadlineTest {

  @TempDir Path tmp;

  @Test
  void aWriteAlreadyLateIsRefusedBeforeRocksDbSeesIt() {
    RequestContext late = RequestContext.of("late-3").withDeadline(Instant.now().minusMillis(1));
    Path dir = tmp.resolve("db");
    try (RocksDbEngine e = Fixtures.open(dir)) {
      e.put(b("kept"), b("old"), Durability.SYNC);
      DeadlineExceededException put =
          assertThrows(
              DeadlineExceededException.class,
              () -> late.run(() -> e.put(b("k"), b("v"), Durability.SYNC)));
      assertTrue(put.getMessage().startsWith("put not started"), put.getMessage());
      assertEquals(Optional.of("late-3"), put.requestId());
      assertThrows(
          DeadlineExceededException.class,
          () -> late.run(() -> e.delete(b("kept"), Durability.SYNC)));
      WriteBatch batch = new WriteBatch().put(b("a"), b("1")).delete(b("kept"));
      assertThrows(
          DeadlineExceededException.class, () -> late.run(() -> e.write(batch, Durability.SYNC)));
      assertThrows(
          DeadlineExceededException.class, () -> late.run(() -> e.putIfAbsent(b("c"), b("3"))));
      assertNull(e.get(b("k")));
      assertNull(e.get(b("a")));
      assertNull(e.get(b("c")));
      assertEquals("old", s(e.get(b("kept"))));

      RequestContext.of("ok-4")
          .withTimeout(Duration.ofMinutes(5))
          .run(() -> e.write(batch, Durability.SYNC));
      assertEquals("1", s(e.get(b("a"))));
    }
    try (RocksDbEngine e = Fixtures.open(dir)) {
      assertNull(e.get(b("k")));
      assertNull(e.get(b("kept")));
      assertEquals("1", s(e.get(b("a"))));
    }
  }
}
