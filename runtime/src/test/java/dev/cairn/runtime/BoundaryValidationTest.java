package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class BoundaryValidationTest {

  private final TinyProvider tiny = TinyProvider.durable("tiny");
  private final TinyProvider memory = TinyProvider.inMemory("memory");
  private final TinyProvider basic = TinyProvider.basic("basic");
  private final EngineRegistry registry = EngineRegistry.of(List.of(tiny, memory, basic));
  private final List<StorageEngine> toClose = new ArrayList<>();

  private StorageEngine open(String engine) {
    StorageEngine store =
        registry.store().engine(engine).meterRegistry(new SimpleMeterRegistry()).open();
    toClose.add(store);
    return store;
  }

  @AfterEach
  void closeStores() {
    toClose.forEach(StorageEngine::close);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Makes every engine call fail loudly, so a test proves the engine never saw the call. */
  private static void poison(TinyEngine engine, String op) {
    engine.faultOp = op;
    engine.fault = new AssertionError("the engine saw a call the boundary should have refused");
  }

  @Test
  void nullsAreRefusedBeforeTheEngineSeesThem() {
    StorageEngine store = open("memory");
    TinyEngine engine = memory.last();

    poison(engine, "put");
    assertInvalid("key is null", () -> store.put(null, b("v")));
    assertInvalid("value is null", () -> store.put(b("k"), null));
    assertInvalid("durability is null", () -> store.put(b("k"), b("v"), null));
    poison(engine, "get");
    assertInvalid("key is null", () -> store.get(null));
    poison(engine, "delete");
    assertInvalid("key is null", () -> store.delete(null));
    assertInvalid("durability is null", () -> store.delete(b("k"), null));
    poison(engine, "write");
    assertInvalid("batch is null", () -> store.write(null));
    assertInvalid("durability is null", () -> store.write(new WriteBatch(), null));
    poison(engine, "cursor");
    assertInvalid("range is null", () -> store.cursor(null, Direction.FORWARD));
    assertInvalid("direction is null", () -> store.cursor(KeyRange.all(), null));
  }

  private static void assertInvalid(String message, Executable call) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }

  @Test
  void sizesBeyondLimitsAreRefused() {
    StorageEngine store = open("memory");
    poison(memory.last(), "put");
    byte[] bigKey = new byte[Limits.MAX_KEY_SIZE + 1];
    byte[] bigValue = new byte[Limits.MAX_VALUE_SIZE + 1];

    assertInvalid("key of 65536 bytes exceeds", () -> store.put(bigKey, b("v")));
    assertInvalid("value of 16777217 bytes exceeds", () -> store.put(b("k"), bigValue));
    assertInvalid("key of 65536 bytes exceeds", () -> store.get(bigKey));
    assertInvalid("key of 65536 bytes exceeds", () -> store.delete(bigKey));
    memory.last().faultOp = null;
    try (Cursor c = store.cursor(KeyRange.all(), Direction.FORWARD)) {
      assertInvalid("key of 65536 bytes exceeds", () -> c.seek(bigKey));
    }
    // The largest sizes pass.
    store.put(new byte[Limits.MAX_KEY_SIZE], new byte[Limits.MAX_VALUE_SIZE]);
    assertEquals(Limits.MAX_VALUE_SIZE, store.get(new byte[Limits.MAX_KEY_SIZE]).length);
  }

  @Test
  void aClosedStoreRefusesEverythingAndClosesTwiceHarmlessly(@TempDir Path dir) {
    StorageEngine store = registry.store(dir).engine("tiny").open();
    store.close();
    store.close();

    List<Executable> calls =
        List.of(
            () -> store.get(b("k")),
            () -> store.put(b("k"), b("v")),
            () -> store.delete(b("k")),
            () -> store.write(new WriteBatch()),
            () -> store.cursor(),
            store::snapshot,
            store::flush,
            () -> store.checkpoint(dir.resolve("copy")),
            store::statistics,
            store::checkConsistency);
    for (Executable call : calls) {
      ClosedHandleException e = assertThrows(ClosedHandleException.class, call);
      assertTrue(e.getMessage().contains("engine 'tiny'"), e.getMessage());
    }
    assertTrue(tiny.last().isClosed());
  }

  @Test
  void closedCursorsAndSnapshotsRefuseUse() {
    StorageEngine store = open("memory");
    store.put(b("a"), b("1"));
    Cursor cursor = store.cursor();
    Snapshot snapshot = store.snapshot();
    cursor.close();
    cursor.close();
    snapshot.close();
    snapshot.close();

    assertThrows(ClosedHandleException.class, cursor::next);
    assertThrows(ClosedHandleException.class, () -> cursor.seek(b("a")));
    assertThrows(ClosedHandleException.class, cursor::key);
    assertThrows(ClosedHandleException.class, cursor::valueView);
    assertThrows(ClosedHandleException.class, () -> snapshot.get(b("a")));
    assertThrows(ClosedHandleException.class, snapshot::cursor);
    assertTrue(memory.last().cursors.getFirst().closed);
    assertTrue(memory.last().snapshots.getFirst().closed);
  }

  @Test
  void closingTheStoreClosesWhatItLent() {
    StorageEngine store = open("memory");
    Cursor cursor = store.cursor();
    Snapshot snapshot = store.snapshot();
    Cursor onSnapshot = snapshot.cursor();

    store.close();

    assertThrows(ClosedHandleException.class, cursor::next);
    assertThrows(ClosedHandleException.class, onSnapshot::next);
    assertThrows(ClosedHandleException.class, () -> snapshot.get(b("a")));
    memory.last().cursors.forEach(c -> assertTrue(c.closed));
    assertTrue(memory.last().snapshots.getFirst().closed);
  }

  @Test
  void closingASnapshotClosesItsCursors() {
    StorageEngine store = open("memory");
    Snapshot snapshot = store.snapshot();
    Cursor onSnapshot = snapshot.cursor();
    Cursor onStore = store.cursor();

    snapshot.close();

    assertThrows(ClosedHandleException.class, onSnapshot::next);
    assertFalse(onStore.next()); // still open, the store is empty
    assertTrue(memory.last().cursors.getFirst().closed);
    assertFalse(memory.last().cursors.get(1).closed);
  }

  @Test
  void aReadOnlyStoreRefusesWritesButReads(@TempDir Path dir) {
    try (StorageEngine store = registry.store(dir).engine("tiny").open()) {
      store.put(b("k"), b("v"));
    }
    StorageEngine store = registry.store(dir).readOnly(true).open();
    toClose.add(store);
    poison(tiny.last(), "put");

    ReadOnlyStoreException e =
        assertThrows(ReadOnlyStoreException.class, () -> store.put(b("k"), b("w")));
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertThrows(ReadOnlyStoreException.class, () -> store.delete(b("k")));
    assertThrows(
        ReadOnlyStoreException.class, () -> store.write(new WriteBatch().put(b("x"), b("y"))));
    assertArrayEquals(b("v"), store.get(b("k")));
    store.flush();
  }

  @Test
  void undeclaredCapabilitiesAreRefused(@TempDir Path dir) {
    StorageEngine store = open("basic");
    poison(basic.last(), "cursor");

    UnsupportedCapabilityException e =
        assertThrows(
            UnsupportedCapabilityException.class,
            () -> store.cursor(KeyRange.all(), Direction.REVERSE));
    assertTrue(e.getMessage().contains("ORDERED_SCANS"), e.getMessage());
    assertThrows(
        UnsupportedCapabilityException.class,
        () -> store.cursor(KeyRange.atLeast(b("a")), Direction.FORWARD));
    assertThrows(UnsupportedCapabilityException.class, store::snapshot);
    assertThrows(UnsupportedCapabilityException.class, () -> store.write(new WriteBatch()));
    assertThrows(UnsupportedCapabilityException.class, () -> store.checkpoint(dir.resolve("c")));
    basic.last().faultOp = null;
    try (Cursor c = store.cursor()) {
      assertThrows(UnsupportedCapabilityException.class, () -> c.seek(b("a")));
    }
  }

  @Test
  void checkpointIntoAnExistingPathIsRefused(@TempDir Path dir) throws Exception {
    StorageEngine store = registry.store(dir.resolve("s")).engine("tiny").open();
    toClose.add(store);
    Files.createDirectory(dir.resolve("taken"));

    assertInvalid("checkpoint target", () -> store.checkpoint(dir.resolve("taken")));
    assertInvalid("checkpoint target is null", () -> store.checkpoint(null));
  }

  @Test
  void settingsAreCheckedAgainstTheEngine() {
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () -> registry.store().engine("memory").setting("tiny.flg", "on").open());
    assertTrue(e.getMessage().contains("[tiny.flg]"), e.getMessage());
    assertTrue(e.getMessage().contains("tiny.flag"), e.getMessage());
    assertTrue(memory.opened.isEmpty());

    registry.store().engine("memory").settings(Map.of("tiny.flag", "on")).open().close();
    assertEquals(1, memory.opened.size());
  }

  @Test
  void typedSettingsAreReadAsTheirTypeBeforeTheEngineOpens(@TempDir Path dir) {
    InvalidArgumentException size =
        assertThrows(
            InvalidArgumentException.class,
            () -> registry.store().engine("memory").setting("cache.size", "lots").open());
    InvalidArgumentException range =
        assertThrows(
            InvalidArgumentException.class,
            () -> registry.store().engine("memory").setting("cache.size", "2g").open());
    InvalidArgumentException duration =
        assertThrows(
            InvalidArgumentException.class,
            () -> registry.store(dir).engine("tiny").setting("tiny.interval", "1x").open());

    assertEquals(
        "engine 'memory': setting 'cache.size' must be size in [1k, 1g], got 'lots'",
        size.getMessage());
    assertEquals(
        "engine 'memory': setting 'cache.size' must be size in [1k, 1g], got '2g'",
        range.getMessage());
    assertEquals(
        "engine 'tiny': setting 'tiny.interval' must be duration in [10ms, 1h], got '1x'",
        duration.getMessage());
    assertTrue(memory.opened.isEmpty(), "the engine was never opened");
    assertTrue(tiny.opened.isEmpty(), "the engine was never opened");
    assertFalse(Files.exists(dir.resolve(StoreMarker.FILE_NAME)), "no store was begun");

    registry
        .store()
        .engine("memory")
        .settings(Map.of("cache.size", "64k", "tiny.interval", "PT2M"))
        .open()
        .close();
    assertEquals(1, memory.opened.size());
  }

  @Test
  void anUnknownSettingIsNamedBeforeAnyInvalidValue() {
    InvalidArgumentException e =
        assertThrows(
            InvalidArgumentException.class,
            () ->
                registry
                    .store()
                    .engine("memory")
                    .settings(Map.of("cache.size", "lots", "cache.sise", "1m"))
                    .open());

    assertEquals(
        "unknown setting [cache.sise] for engine 'memory'; known: [cache.size, tiny.flag,"
            + " tiny.interval]",
        e.getMessage());
  }

  @Test
  void aDurableEngineNeedsADirectory() {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> registry.store().engine("tiny").open());

    assertEquals("engine 'tiny' needs a directory", e.getMessage());
  }

  @Test
  void builderRefusesNulls() {
    StoreBuilder builder = registry.store();
    assertThrows(InvalidArgumentException.class, () -> builder.engine(null));
    assertThrows(InvalidArgumentException.class, () -> builder.setting("a", null));
    assertThrows(InvalidArgumentException.class, () -> builder.settings(null));
    assertThrows(InvalidArgumentException.class, () -> builder.meterRegistry(null));
    assertThrows(InvalidArgumentException.class, () -> builder.leakListener(null));
    assertThrows(InvalidArgumentException.class, () -> builder.defaultDurability(null));
  }

  @Test
  void aCorrectEngineWorksThroughTheBoundary() {
    StorageEngine store =
        registry
            .store()
            .engine("memory")
            .defaultDurability(Durability.BUFFERED)
            .meterRegistry(new SimpleMeterRegistry())
            .open();
    toClose.add(store);
    assertEquals(Durability.BUFFERED, store.defaultDurability());
    store.write(new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2")).put(b("c"), b("3")));
    store.delete(b("c"));

    assertEquals(List.of("b", "a"), keys(store.cursor(KeyRange.all(), Direction.REVERSE)));
    assertEquals(List.of("b"), keys(store.cursor(KeyRange.atLeast(b("b")), Direction.FORWARD)));
    try (Cursor c = store.cursor()) {
      c.seek(b("b"));
      assertTrue(c.next());
      assertArrayEquals(b("2"), c.valueView().toArray());
      assertFalse(c.next());
      c.seek(b("a"));
      assertTrue(c.next()); // a seek revives an exhausted cursor
      assertArrayEquals(b("a"), c.key());
    }
    try (Snapshot s = store.snapshot()) {
      store.put(b("z"), b("26"));
      assertNull(s.get(b("z")));
      assertEquals(List.of("a", "b"), keys(s.cursor()));
    }
    assertEquals(3, store.statistics().approximateKeys());
    assertTrue(store.checkConsistency().isConsistent());
  }

  private static List<String> keys(Cursor cursor) {
    List<String> keys = new ArrayList<>();
    try (cursor) {
      while (cursor.next()) {
        keys.add(new String(cursor.key(), StandardCharsets.UTF_8));
      }
    }
    return keys;
  }
}
