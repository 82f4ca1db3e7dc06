package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Direction;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Write batches: every operation, in order, as one write, with keys and values of every size.
 * Atomicity against concurrent readers is in {@link ConcurrencyTests}; the refusal without the
 * capability in {@link CapabilityTests}.
 */
@Tag("capability:ATOMIC_BATCHES")
abstract class AtomicBatchTests extends ConformanceGroup {

  @BeforeEach
  void needsBatches() {
    requires(Capability.ATOMIC_BATCHES);
  }

  @Test
  void aBatchAppliesEveryOperation() {
    StorageEngine e = open();
    e.put(b("gone"), b("x"));
    e.write(new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2")).delete(b("gone")));
    assertArrayEquals(b("1"), e.get(b("a")));
    assertArrayEquals(b("2"), e.get(b("b")));
    assertNull(e.get(b("gone")));
  }

  @Test
  void aLaterOperationOnTheSameKeyWins() {
    StorageEngine e = open();
    e.put(b("d"), b("old"));
    e.write(
        new WriteBatch()
            .put(b("a"), b("1"))
            .put(b("a"), b("2"))
            .put(b("b"), b("1"))
            .delete(b("b"))
            .delete(b("c"))
            .put(b("c"), b("3"))
            .delete(b("d"))
            .put(b("d"), b("new"))
            .delete(b("d")));
    assertArrayEquals(b("2"), e.get(b("a")));
    assertNull(e.get(b("b")));
    assertArrayEquals(b("3"), e.get(b("c")));
    assertNull(e.get(b("d")));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void anEmptyBatchChangesNothing(Durability d) {
    StorageEngine e = open();
    e.put(b("k"), b("v"));
    e.write(new WriteBatch(), d);
    assertEquals(List.of(new Scans.Entry(b("k"), b("v"))), Scans.allSorted(e));
  }

  @ParameterizedTest
  @EnumSource(Durability.class)
  void batchesApplyAtEachDurability(Durability d) {
    StorageEngine e = open();
    e.write(new WriteBatch().put(b("a"), b("1")).put(b("b"), new byte[0]), d);
    assertArrayEquals(b("1"), e.get(b("a")));
    assertArrayEquals(new byte[0], e.get(b("b")));
  }

  @Test
  void aBatchMayBeWrittenTwiceAndReusedAfterClear() {
    StorageEngine e = open();
    WriteBatch batch = new WriteBatch().put(b("a"), b("1"));
    e.write(batch);
    e.delete(b("a"));
    e.write(batch);
    assertArrayEquals(b("1"), e.get(b("a")));
    batch.clear();
    batch.put(b("b"), b("2"));
    e.write(batch);
    assertArrayEquals(b("2"), e.get(b("b")));
    assertArrayEquals(b("1"), e.get(b("a")));
  }

  @Test
  void changingABatchAfterTheWriteChangesNothing() {
    StorageEngine e = open();
    WriteBatch batch = new WriteBatch().put(b("a"), b("1"));
    e.write(batch);
    batch.put(b("b"), b("2"));
    assertNull(e.get(b("b")));
  }

  @ParameterizedTest(name = "{0} operations")
  @ValueSource(ints = {1, 2, 10, 1000, 20_000})
  void batchesOfEverySizeApplyCompletely(int size) {
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> model = Scans.model();
    Random r = new Random(size);
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < size; i++) {
      byte[] k = b("k" + r.nextInt(Math.max(1, size / 2 + 1)));
      if (r.nextInt(5) == 0) {
        batch.delete(k);
        model.remove(k);
      } else {
        byte[] v = Bytes.random(i, r.nextInt(30));
        batch.put(k, v);
        model.put(k, v);
      }
    }
    e.write(batch);
    assertEquals(Scans.expected(model, KeyRange.all(), Direction.FORWARD), Scans.allSorted(e));
  }

  /**
   * One batch carrying every size of key and value (a MiB-scale value among them), an overwrite of
   * a long key by a value of another size, and the delete of a maximum-size key applies completely.
   */
  @Test
  void aBatchCarriesKeysAndValuesOfEverySize() {
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> model = Scans.model();
    byte[] doomed = Sizes.bytes(70, Limits.MAX_KEY_SIZE);
    e.put(doomed, Sizes.bytes(71, 4097));
    WriteBatch batch = new WriteBatch();
    int i = 0;
    for (Sizes.Pair p : Sizes.pairs()) {
      byte[] k = Sizes.bytes(100 + i, p.key().bytes());
      byte[] v = Sizes.bytes(200 + i, p.value().bytes());
      batch.put(k, v);
      model.put(k, v);
      i++;
    }
    byte[] longKey = Sizes.bytes(80, 4097);
    batch.put(longKey, Sizes.bytes(81, 64 * 1024 + 1));
    byte[] shorter = Sizes.bytes(82, 3);
    batch.put(longKey, shorter);
    model.put(longKey, shorter);
    batch.delete(doomed);
    e.write(batch);
    for (var entry : model.entrySet()) {
      byte[] read = e.get(entry.getKey());
      assertArrayEquals(
          entry.getValue(),
          read,
          () ->
              "key of "
                  + entry.getKey().length
                  + " bytes: wrong value of "
                  + (read == null ? "null" : read.length + " bytes"));
    }
    assertNull(e.get(doomed), "the batch's delete of a maximum-size key was lost");
    assertEquals(
        Scans.expected(model, KeyRange.all(), Direction.FORWARD),
        Scans.allSorted(e),
        "through a cursor");
  }

  /**
   * Changing the caller's arrays after adding them to a batch, and clearing the batch after the
   * write, changes nothing stored.
   */
  @ParameterizedTest(name = "value {0}")
  @MethodSource("dev.cairn.conformance.Sizes#valuesBelowMiB")
  void aBatchCopiesTheCallersArraysAtEverySize(Sizes.Size size) {
    StorageEngine e = open();
    byte[] key = Sizes.bytes(6, Math.clamp(size.bytes(), 1, Limits.MAX_KEY_SIZE));
    byte[] value = Sizes.bytes(7, size.bytes());
    byte[] keyBefore = key.clone();
    byte[] valueBefore = value.clone();
    WriteBatch batch = new WriteBatch().put(key, value);
    Bytes.invert(key);
    Bytes.invert(value);
    e.write(batch);
    batch.clear();
    assertArrayEquals(valueBefore, e.get(keyBefore), size.toString());
    assertNull(e.get(key), size + ": the caller's changed key is stored");
    assertEquals(List.of(new Scans.Entry(keyBefore, valueBefore)), Scans.all(e), size.toString());
  }

  @Test
  void aNullBatchIsRejected() {
    StorageEngine e = open();
    assertThrows(InvalidArgumentException.class, () -> e.write(null));
    assertThrows(
        InvalidArgumentException.class, () -> e.write(new WriteBatch().put(b("a"), b("1")), null));
    assertNull(e.get(b("a")));
  }
}
