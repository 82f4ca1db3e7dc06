package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.InvalidStateException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Keyspaces through the boundary (SPI 1.1): the engine's own, wrapped, checked and measured. */
class KeyspaceBoundaryTest {

  private final TinyProvider spaces = TinyProvider.spi11("spaces");
  private final TinyProvider plain = TinyProvider.inMemory("plain");
  private final EngineRegistry registry = EngineRegistry.of(List.of(spaces, plain));
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<StorageEngine> toClose = new ArrayList<>();

  private StorageEngine open(String engine) {
    StorageEngine store = registry.store().engine(engine).meterRegistry(meters).open();
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

  private long count(String op) {
    Timer t =
        meters
            .find(Meters.OPERATION)
            .tags("engine", "spaces", "op", op, "outcome", "success")
            .timer();
    return t == null ? 0 : t.count();
  }

  /** Makes every engine call of {@code op} fail loudly: a test proves the engine never saw it. */
  private static void poison(TinyEngine engine, String op) {
    engine.faultOp = op;
    engine.fault = new AssertionError("the engine saw a call the boundary should have refused");
  }

  @Test
  void aKeyspaceIsTheEnginesWrappedWithTheBoundaryAsItsStore() {
    StorageEngine store = open("spaces");
    TinyEngine engine = spaces.last();

    Keyspace users = store.createKeyspace("users");
    users.put(b("k"), b("in users"));
    Keyspace again = store.keyspace("users");

    assertInstanceOf(BoundaryKeyspace.class, users);
    assertSame(store, users.store(), "the keyspace's store is the boundary, not the engine");
    assertEquals("users", users.name());
    assertArrayEquals(b("in users"), again.get(b("k")));
    assertNull(store.get(b("k")), "the default keyspace is another one");
    assertEquals(List.of(Keyspace.DEFAULT, "users"), store.keyspaces());
    assertEquals(1, users.statistics().approximateKeys());
    assertTrue(engine.calls.contains("createKeyspace users"), engine.calls.toString());
    assertTrue(engine.calls.contains("keyspace users"), engine.calls.toString());
    assertTrue(engine.calls.contains("keyspace users put"), engine.calls.toString());
    assertTrue(engine.calls.contains("keyspaces"), engine.calls.toString());
    // Meters: the keyspace's own operations, and its reads and writes under the usual tags.
    assertEquals(1, count("keyspace.create"));
    assertEquals(1, count("keyspace"));
    assertEquals(1, count("keyspaces"));
    assertEquals(1, count("put"));
    assertEquals(2, count("get"));
    assertEquals(1, count("statistics"));
  }

  @Test
  void aKeyspacesWritesAreCheckedBeforeTheEngineSeesThem() {
    StorageEngine store = open("spaces");
    Keyspace users = store.createKeyspace("users");
    poison(spaces.last(), "put");

    assertInvalid("key is null", () -> users.put(null, b("v")));
    assertInvalid("value is null", () -> users.put(b("k"), null));
    assertInvalid("durability is null", () -> users.put(b("k"), b("v"), null));
    assertInvalid(
        "value of 16777217 bytes exceeds",
        () -> users.put(b("k"), new byte[Limits.MAX_VALUE_SIZE + 1]));
    poison(spaces.last(), "delete");
    assertInvalid("key is null", () -> users.delete(null));
    assertInvalid("durability is null", () -> users.delete(b("k"), null));
    poison(spaces.last(), "get");
    assertInvalid("key of 65536 bytes exceeds", () -> users.get(new byte[Limits.MAX_KEY_SIZE + 1]));
    poison(spaces.last(), "cursor");
    assertInvalid("range is null", () -> users.cursor(null, dev.cairn.spi.Direction.FORWARD));
  }

  @Test
  void aKeyspaceOfAReadOnlyStoreRefusesWrites() {
    StorageEngine store =
        registry.store().engine("spaces").readOnly(true).meterRegistry(meters).open();
    toClose.add(store);
    TinyEngine engine = spaces.last();
    engine.createKeyspace("users"); // as if it had been there when the store was opened
    Keyspace users = store.keyspace("users");
    poison(engine, "put");

    assertThrows(ReadOnlyStoreException.class, () -> users.put(b("k"), b("v")));
    poison(engine, "delete");
    assertThrows(ReadOnlyStoreException.class, () -> users.delete(b("k")));
    poison(engine, "write");
    assertThrows(
        ReadOnlyStoreException.class, () -> users.putIfAbsent(b("k"), b("v"), Durability.SYNC));
    poison(engine, "createKeyspace");
    assertThrows(ReadOnlyStoreException.class, () -> store.createKeyspace("more"));
    poison(engine, "dropKeyspace");
    assertThrows(ReadOnlyStoreException.class, () -> store.dropKeyspace("users"));
    engine.faultOp = null;
    assertNull(users.get(b("k")), "reads work");
  }

  @Test
  void aKeyspacesConveniencesWriteABatchThroughTheBoundary() {
    StorageEngine store = open("spaces");
    Keyspace users = store.createKeyspace("users");

    assertTrue(users.putIfAbsent(b("k"), b("1"), Durability.SYNC));
    assertFalse(users.putIfAbsent(b("k"), b("2"), Durability.SYNC));
    assertTrue(users.replace(b("k"), b("1"), b("3"), Durability.SYNC));
    assertFalse(users.deleteIfEquals(b("k"), b("1"), Durability.SYNC));
    users.put(b("z"), b("z"));
    users.deleteRange(KeyRange.between(b("a"), b("y")), Durability.SYNC);

    assertNull(users.get(b("k")));
    assertArrayEquals(b("z"), users.get(b("z")));
    assertEquals(3, count("write"), "three batches applied through the boundary's write");
    assertEquals(
        2,
        meters
            .find(Meters.ERRORS)
            .tags("engine", "spaces", "op", "write", "exception", "ConflictException")
            .counter()
            .count(),
        "each failed precondition reached the caller's batch as a ConflictException");
  }

  @Test
  void aKeyspacesCursorsCloseWithTheStore() {
    StorageEngine store = open("spaces");
    Keyspace users = store.createKeyspace("users");
    users.put(b("a"), b("1"));
    Cursor cursor = users.cursor();
    assertTrue(cursor.next());

    store.close();

    ClosedHandleException e = assertThrows(ClosedHandleException.class, cursor::next);
    assertTrue(e.getMessage().contains("keyspace 'users' of store"), e.getMessage());
    assertTrue(spaces.last().cursors.getFirst().closed, "the engine's cursor was closed");
    ClosedHandleException get = assertThrows(ClosedHandleException.class, () -> users.get(b("a")));
    assertTrue(get.getMessage().startsWith("store of engine 'spaces'"), get.getMessage());
    assertThrows(ClosedHandleException.class, () -> users.put(b("a"), b("2")));
    assertThrows(ClosedHandleException.class, users::statistics);
  }

  @Test
  void aDroppedKeyspacesHandleFailsAsTheEngineSays() {
    StorageEngine store = open("spaces");
    Keyspace users = store.createKeyspace("users");

    store.dropKeyspace("users");

    assertThrows(InvalidStateException.class, () -> users.get(b("a")));
    assertEquals(List.of(Keyspace.DEFAULT), store.keyspaces());
    assertEquals(1, count("keyspace.drop"));
  }

  @Test
  void keyspaceNamesAreCheckedAtTheBoundary() {
    StorageEngine store = open("spaces");
    TinyEngine engine = spaces.last();
    poison(engine, "keyspace");
    assertInvalid("invalid keyspace name 'no spaces'", () -> store.keyspace("no spaces"));
    assertInvalid("keyspace name is null", () -> store.keyspace(null));
    poison(engine, "createKeyspace");
    assertInvalid("invalid keyspace name '-dash'", () -> store.createKeyspace("-dash"));
    poison(engine, "dropKeyspace");
    assertInvalid("invalid keyspace name ''", () -> store.dropKeyspace(""));
    assertInvalid("the keyspace 'default' cannot be dropped", () -> store.dropKeyspace("default"));
    engine.faultOp = null;
    try (Snapshot snapshot = store.snapshot()) {
      assertInvalid("invalid keyspace name 'a/b'", () -> snapshot.keyspace("a/b"));
    }
    assertEquals(List.of(), engine.calls, "the engine saw none of them");
  }

  @Test
  void withoutKeyspacesEveryKeyspaceCallButTheListIsRefusedNamingTheCapability() {
    StorageEngine store = open("plain");
    TinyEngine engine = plain.last();

    for (Executable call :
        List.<Executable>of(
            () -> store.keyspace(Keyspace.DEFAULT),
            () -> store.keyspace("users"),
            () -> store.createKeyspace("users"),
            () -> store.dropKeyspace("users"))) {
      UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class, call);
      assertTrue(
          e.getMessage().startsWith("engine 'plain' does not declare KEYSPACES, needed for"),
          e.getMessage());
    }
    assertEquals(List.of(), engine.calls, "refused before the engine saw them");
    assertEquals(List.of(Keyspace.DEFAULT), store.keyspaces());
    assertEquals(List.of("keyspaces"), engine.calls, "the list is the engine's");
  }

  @Test
  void aBrokenKeyspaceListIsAContractViolation() {
    StorageEngine store = open("spaces");
    spaces.last().noDefaultKeyspace = true;

    ContractViolationException e = assertThrows(ContractViolationException.class, store::keyspaces);

    assertTrue(e.getMessage().contains("without 'default'"), e.getMessage());
  }

  @Test
  void aSnapshotsKeyspaceIsWrappedAndItsCursorsCloseWithTheSnapshot() {
    StorageEngine store = open("spaces");
    Keyspace users = store.createKeyspace("users");
    users.put(b("a"), b("before"));
    Snapshot snapshot = store.snapshot();
    users.put(b("a"), b("after"));

    ReadView then = snapshot.keyspace("users");
    Cursor cursor = then.cursor();

    assertInstanceOf(BoundarySnapshotKeyspace.class, then);
    assertArrayEquals(b("before"), then.get(b("a")));
    assertEquals(
        List.of("before"), then.multiGet(List.of(b("a"))).stream().map(String::new).toList());
    assertSame(
        snapshot, snapshot.keyspace(Keyspace.DEFAULT), "the default keyspace is the snapshot");
    assertTrue(spaces.last().calls.contains("snapshot keyspace users"));
    assertInvalid("no keyspace 'nope'", () -> snapshot.keyspace("nope"));

    snapshot.close();

    ClosedHandleException e = assertThrows(ClosedHandleException.class, cursor::next);
    assertTrue(e.getMessage().contains("keyspace 'users' of snapshot of store"), e.getMessage());
    assertTrue(spaces.last().cursors.getFirst().closed, "the engine's cursor was closed");
    assertThrows(ClosedHandleException.class, () -> then.get(b("a")));
    assertThrows(ClosedHandleException.class, () -> snapshot.keyspace("users"));
    assertEquals(2, count("keyspace"), "keyspace(name) on a snapshot is timed as on a store");
  }

  @Test
  void aClosedStoreRefusesEveryKeyspaceCall() {
    StorageEngine store = open("spaces");
    store.close();

    for (Executable call :
        List.<Executable>of(
            store::keyspaces,
            () -> store.keyspace("users"),
            () -> store.createKeyspace("users"),
            () -> store.dropKeyspace("users"))) {
      ClosedHandleException e = assertThrows(ClosedHandleException.class, call);
      assertEquals("store of engine 'spaces' is closed", e.getMessage());
    }
  }

  @Test
  void aBatchSpanningKeyspacesIsAppliedByTheEngine() {
    StorageEngine store = open("spaces");
    Keyspace users = store.createKeyspace("users");

    store.write(new WriteBatch().put(b("k"), b("default")).put("users", b("k"), b("users")));

    assertArrayEquals(b("default"), store.get(b("k")));
    assertArrayEquals(b("users"), users.get(b("k")));
    assertInvalid(
        "no keyspace 'ghost'", () -> store.write(new WriteBatch().put("ghost", b("k"), b("v"))));
  }

  private static void openCursorAndForgetIt(Keyspace keyspace) {
    keyspace.cursor().next();
  }

  @Test
  void aDroppedCursorOfAKeyspaceIsReportedAndClosed() throws InterruptedException {
    BlockingQueue<LeakReport> reports = new LinkedBlockingQueue<>();
    StorageEngine store =
        registry.store().engine("spaces").meterRegistry(meters).leakListener(reports::add).open();
    toClose.add(store);
    Keyspace users = store.createKeyspace("users");
    users.put(b("a"), b("1"));

    openCursorAndForgetIt(users);

    LeakReport report = null;
    for (int i = 0; i < 200 && report == null; i++) {
      System.gc();
      report = reports.poll(50, TimeUnit.MILLISECONDS);
    }
    assertTrue(report != null, "the leak was reported");
    assertEquals("cursor", report.kind());
    assertTrue(spaces.last().cursors.getFirst().closed, "the engine's cursor was closed");
  }

  private static void assertInvalid(String message, Executable call) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
    assertTrue(e.getMessage().startsWith(message), e.getMessage());
  }
}
