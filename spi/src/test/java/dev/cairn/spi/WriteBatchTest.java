package dev.cairn.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WriteBatchTest {

  @Test
  void keepsOperationsInOrderAndCopiesArrays() {
    byte[] key = {1};
    byte[] value = {2};
    WriteBatch batch = new WriteBatch().put(key, value).delete(key);
    key[0] = 9;
    value[0] = 9;
    assertEquals(2, batch.size());
    WriteBatch.Put put = assertInstanceOf(WriteBatch.Put.class, batch.operations().get(0));
    assertArrayEquals(new byte[] {1}, put.key());
    assertArrayEquals(new byte[] {2}, put.value());
    assertInstanceOf(WriteBatch.Delete.class, batch.operations().get(1));
    assertEquals(3, batch.byteSize());
  }

  @Test
  void clearEmptiesTheBatch() {
    WriteBatch batch = new WriteBatch().put(new byte[] {1}, new byte[0]);
    batch.clear();
    assertTrue(batch.isEmpty());
    assertEquals(0, batch.byteSize());
  }

  @Test
  void rejectsOversizedEntriesAndLeavesTheBatchUnchanged() {
    WriteBatch batch = new WriteBatch();
    assertThrows(
        InvalidArgumentException.class,
        () -> batch.put(new byte[Limits.MAX_KEY_SIZE + 1], new byte[0]));
    assertThrows(
        InvalidArgumentException.class,
        () -> batch.put(new byte[1], new byte[Limits.MAX_VALUE_SIZE + 1]));
    assertThrows(InvalidArgumentException.class, () -> batch.put(null, new byte[0]));
    assertThrows(InvalidArgumentException.class, () -> batch.put(new byte[0], null));
    assertThrows(InvalidArgumentException.class, () -> batch.delete(null));
    assertTrue(batch.isEmpty());
  }

  @Test
  void rejectsABatchBeyondTheByteLimit() {
    WriteBatch batch = new WriteBatch();
    byte[] big = new byte[Limits.MAX_VALUE_SIZE];
    for (int i = 0; i < Limits.MAX_BATCH_BYTES / Limits.MAX_VALUE_SIZE - 1; i++) {
      batch.put(new byte[] {(byte) i}, big);
    }
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> batch.put(new byte[] {1, 1}, big));
    assertTrue(e.getMessage().contains("bytes"), e.getMessage());
  }

  @Test
  void operationsViewIsUnmodifiable() {
    WriteBatch batch = new WriteBatch().delete(new byte[] {1});
    assertThrows(UnsupportedOperationException.class, () -> batch.operations().clear());
  }
}
