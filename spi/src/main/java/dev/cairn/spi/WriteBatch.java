package dev.cairn.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered list of puts and deletes applied together by {@link StorageEngine#write(WriteBatch,
 * Durability)}.
 *
 * <p>Operations apply in the order they were added, so a later operation on a key wins. Keys and
 * values are copied when added. Not thread-safe; a batch may be written more than once and reused
 * after {@link #clear()}. The size limits of {@link Limits} apply when the batch is added to.
 */
public final class WriteBatch {

  /** One operation of a batch. */
  public sealed interface Operation permits Put, Delete {
    /** The key, owned by the batch: do not modify. */
    byte[] key();
  }

  /**
   * A put of {@code value} under {@code key}; both arrays are owned by the batch.
   *
   * @param key the key
   * @param value the value
   */
  public record Put(byte[] key, byte[] value) implements Operation {}

  /**
   * A delete of {@code key}; the array is owned by the batch.
   *
   * @param key the key
   */
  public record Delete(byte[] key) implements Operation {}

  private final List<Operation> operations = new ArrayList<>();
  private long bytes;

  /** Creates an empty batch. */
  public WriteBatch() {}

  /**
   * Adds a put.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, or the batch would exceed
   *     its limits
   */
  public WriteBatch put(byte[] key, byte[] value) {
    Limits.checkKey(key);
    Limits.checkValue(value);
    grow(key.length + (long) value.length);
    operations.add(new Put(key.clone(), value.clone()));
    return this;
  }

  /**
   * Adds a delete.
   *
   * @return this batch
   * @throws InvalidArgumentException if the key is null, too large, or the batch would exceed its
   *     limits
   */
  public WriteBatch delete(byte[] key) {
    Limits.checkKey(key);
    grow(key.length);
    operations.add(new Delete(key.clone()));
    return this;
  }

  private void grow(long more) {
    if (operations.size() >= Limits.MAX_BATCH_OPERATIONS) {
      throw new InvalidArgumentException(
          "write batch exceeds the limit of " + Limits.MAX_BATCH_OPERATIONS + " operations");
    }
    if (bytes + more > Limits.MAX_BATCH_BYTES) {
      throw new InvalidArgumentException(
          "write batch exceeds the limit of " + Limits.MAX_BATCH_BYTES + " bytes");
    }
    bytes += more;
  }

  /** The operations in the order they were added; an unmodifiable live view. */
  public List<Operation> operations() {
    return Collections.unmodifiableList(operations);
  }

  /** The number of operations. */
  public int size() {
    return operations.size();
  }

  /** True when the batch holds no operation. */
  public boolean isEmpty() {
    return operations.isEmpty();
  }

  /** The bytes of all keys and values added. */
  public long byteSize() {
    return bytes;
  }

  /** Removes every operation. */
  public void clear() {
    operations.clear();
    bytes = 0;
  }

  @Override
  public String toString() {
    return "WriteBatch[" + operations.size() + " operations, " + bytes + " bytes]";
  }
}
