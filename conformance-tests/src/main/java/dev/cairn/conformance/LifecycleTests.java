package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cairn.spi.Capability;
import dev.cairn.spi.ClosedHandleException;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.Limits;
import dev.cairn.spi.ReadOnlyStoreException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.StorageException;
import dev.cairn.spi.StorageIOException;
import dev.cairn.spi.StoreLockedException;
import dev.cairn.spi.UnsupportedCapabilityException;
import dev.cairn.spi.WriteBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Opening, closing, reopening, read-only mode, the directory lock, checkpoints. */
abstract class LifecycleTests extends ConformanceGroup {

  @Test
  void closingTwiceIsHarmless() {
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    e.close();
    e.close();
  }

  static Stream<Named<Consumer<StorageEngine>>> operations() {
    return Stream.of(
        Named.of("get", e -> e.get(b("k"))),
        Named.of("put", e -> e.put(b("k"), b("v"))),
        Named.of("put SYNC", e -> e.put(b("k"), b("v"), Durability.SYNC)),
        Named.of("delete", e -> e.delete(b("k"))),
        Named.of("write", e -> e.write(new WriteBatch().put(b("k"), b("v")))),
        Named.of("cursor", e -> e.cursor().close()),
        Named.of("snapshot", e -> e.snapshot().close()),
        Named.of("flush", StorageEngine::flush),
        Named.of("statistics", StorageEngine::statistics),
        Named.of("checkConsistency", StorageEngine::checkConsistency));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void everyOperationAfterCloseThrowsClosedHandle(Consumer<StorageEngine> op) {
    StorageEngine e = open();
    e.close();
    StorageException thrown = assertThrows(StorageException.class, () -> op.accept(e));
    if (!(thrown instanceof ClosedHandleException)
        && !(thrown instanceof UnsupportedCapabilityException)) {
      fail("expected ClosedHandleException after close, got " + thrown);
    }
  }

  @Test
  @Tag("capability:CHECKPOINTS")
  void aCheckpointAfterCloseThrowsClosedHandle() {
    requires(Capability.CHECKPOINTS);
    StorageEngine e = open();
    e.close();
    assertThrows(ClosedHandleException.class, () -> e.checkpoint(temp.resolve("cp")));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  @Tag("capability:DURABLE")
  void reopeningKeepsEveryAcknowledgedWrite(Durability d) {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    StorageEngine e = stores.open(dir);
    e.put(b("a"), b("1"), d);
    e.put(b("b"), b("2"), d);
    e.put(b("a"), b("3"), d);
    e.delete(b("b"), d);
    e.put(new byte[0], new byte[0], d);
    e.close();
    StorageEngine again = stores.open(dir);
    assertArrayEquals(b("3"), again.get(b("a")));
    assertNull(again.get(b("b")), "a delete came back after reopening");
    assertArrayEquals(new byte[0], again.get(new byte[0]));
  }

  @Test
  @Tag("capability:DURABLE")
  void reopeningManyTimesKeepsEverything() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    java.util.NavigableMap<byte[], byte[]> model = Scans.model();
    for (int round = 0; round < 5; round++) {
      StorageEngine e = stores.open(dir);
      assertEquals(
          Scans.expected(model, dev.cairn.spi.KeyRange.all(), dev.cairn.spi.Direction.FORWARD),
          Scans.allSorted(e),
          "after reopen " + round);
      for (int i = 0; i < 200; i++) {
        byte[] k = b("k" + (i * 7 + round) % 150);
        if (i % 5 == 0) {
          e.delete(k, Durability.BUFFERED);
          model.remove(k);
        } else {
          e.put(k, b("r" + round + "i" + i), Durability.BUFFERED);
          model.put(k, b("r" + round + "i" + i));
        }
      }
      if (declares(Capability.ATOMIC_BATCHES)) {
        e.write(new WriteBatch().put(b("batch" + round), b("x")).delete(b("k1")));
        model.put(b("batch" + round), b("x"));
        model.remove(b("k1"));
      }
      e.close();
    }
  }

  /**
   * Keys and values of every size (a MiB-scale value among them), a long key overwritten with a
   * value of another size, and a long key deleted and put again, all survive a reopen, read-write
   * and read-only.
   */
  @Test
  @Tag("capability:DURABLE")
  void reopeningKeepsKeysAndValuesOfEverySize() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    java.util.NavigableMap<byte[], byte[]> model = Scans.model();
    StorageEngine e = stores.open(dir);
    int i = 0;
    for (Sizes.Pair p : Sizes.pairs()) {
      byte[] k = Sizes.bytes(900 + i, p.key().bytes());
      byte[] v = Sizes.bytes(1000 + i, p.value().bytes());
      e.put(k, v);
      model.put(k, v);
      i++;
    }
    byte[] overwritten = Sizes.bytes(1100, 32 * 1024);
    e.put(overwritten, Sizes.bytes(1101, 64 * 1024 + 1));
    e.put(overwritten, Sizes.bytes(1102, 5));
    model.put(overwritten, Sizes.bytes(1102, 5));
    byte[] again = Sizes.bytes(1103, Limits.MAX_KEY_SIZE);
    e.put(again, Sizes.bytes(1104, 4096));
    e.delete(again);
    e.put(again, new byte[0]);
    model.put(again, new byte[0]);
    byte[] gone = Sizes.bytes(1105, 4097);
    e.put(gone, Sizes.bytes(1106, 4097));
    e.delete(gone);
    e.close();
    for (boolean readOnly : new boolean[] {false, true}) {
      StorageEngine reopened = stores.open(dir, o -> o.readOnly(readOnly));
      String how = readOnly ? "after a read-only reopen" : "after a reopen";
      for (var entry : model.entrySet()) {
        assertArrayEquals(
            entry.getValue(),
            reopened.get(entry.getKey()),
            how + ": key of " + entry.getKey().length + " bytes");
      }
      assertNull(reopened.get(gone), how + ": a deleted long key came back");
      assertEquals(
          Scans.expected(model, dev.cairn.spi.KeyRange.all(), dev.cairn.spi.Direction.FORWARD),
          Scans.allSorted(reopened),
          how + ", through a cursor");
      reopened.close();
    }
  }

  @Test
  @Tag("capability:DURABLE")
  void aReadOnlyStoreReadsButRefusesWrites() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    StorageEngine e = stores.open(dir);
    e.put(b("k"), b("v"));
    e.close();
    StorageEngine ro = stores.open(dir, o -> o.readOnly(true));
    assertArrayEquals(b("v"), ro.get(b("k")));
    assertThrows(ReadOnlyStoreException.class, () -> ro.put(b("k"), b("x")));
    assertThrows(ReadOnlyStoreException.class, () -> ro.delete(b("k")));
    assertThrows(StorageException.class, () -> ro.write(new WriteBatch().put(b("k"), b("x"))));
    ro.flush();
    assertArrayEquals(b("v"), ro.get(b("k")), "a refused write changed the store");
    assertEquals(List.of(new Scans.Entry(b("k"), b("v"))), Scans.allSorted(ro));
  }

  @Test
  @Tag("capability:DURABLE")
  void aSecondOpenOfAnOpenStoreFailsAsLocked() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    StorageEngine first = stores.open(dir);
    first.put(b("k"), b("v"));
    StoreLockedException e = assertThrows(StoreLockedException.class, () -> stores.open(dir));
    assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the message names nothing");
    assertThrows(StoreLockedException.class, () -> stores.openDirect(dir, o -> o));
    assertArrayEquals(b("v"), first.get(b("k")), "the failed open disturbed the open store");
    first.close();
    StorageEngine again = stores.open(dir);
    assertArrayEquals(b("v"), again.get(b("k")), "the lock was not released on close");
  }

  @Test
  @Tag("capability:DURABLE")
  void openingAMissingStoreWithoutCreateFails() {
    requires(Capability.DURABLE);
    Path dir = stores.newDirectory();
    assertThrows(StorageIOException.class, () -> stores.open(dir, o -> o.createIfMissing(false)));
    assertThrows(
        StorageIOException.class, () -> stores.openDirect(dir, o -> o.createIfMissing(false)));
  }

  @Test
  @Tag("capability:CHECKPOINTS")
  void aCheckpointOpensWithTheDataBeforeIt() {
    requires(Capability.CHECKPOINTS);
    StorageEngine e = open();
    for (int i = 0; i < 100; i++) {
      e.put(b("k" + i), b("v" + i), Durability.BUFFERED);
    }
    e.delete(b("k5"));
    Path target = temp.resolve("checkpoint");
    e.checkpoint(target);
    e.put(b("after"), b("x"));
    StorageEngine copy = stores.open(target, o -> o.createIfMissing(false));
    assertArrayEquals(b("v7"), copy.get(b("k7")));
    assertNull(copy.get(b("k5")));
    assertNull(copy.get(b("after")), "the checkpoint holds a later write");
    assertEquals(99, Scans.all(copy).size());
  }

  @Test
  @Tag("capability:CHECKPOINTS")
  void aCheckpointIntoAnExistingPathIsRejected() throws Exception {
    requires(Capability.CHECKPOINTS);
    StorageEngine e = open();
    Path target = java.nio.file.Files.createDirectory(temp.resolve("exists"));
    assertThrows(InvalidArgumentException.class, () -> e.checkpoint(target));
    assertThrows(InvalidArgumentException.class, () -> e.checkpoint(null));
  }
}
