package dev.cairn.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * An ordered list of writes applied together by {@link StorageEngine#write(WriteBatch,
 * Durability)}, with optional preconditions.
 *
 * <p>Operations apply in the order they were added, so a later operation on a key wins. Keys and
 * values are copied when added. Not thread-safe; a batch may be written more than once and reused
 * after {@link #clear()}. The size limits of {@link Limits} apply when the batch is added to, to
 * all of its keyspaces and preconditions together.
 *
 * <p><b>Keyspaces</b> (SPI 1.1). Each operation belongs to a keyspace; the forms without one use
 * {@link Keyspace#DEFAULT}. {@link #operations()} lists the default keyspace's operations, so an
 * engine without {@link Capability#KEYSPACES} sees exactly what it saw in SPI 1.0 (the runtime
 * refuses to pass it a batch that names another keyspace); {@link #operations(String)} lists
 * another's. Operations on different keyspaces never touch the same key, so their relative order
 * does not matter.
 *
 * <p><b>Preconditions</b> (SPI 1.1, {@link Capability#CONDITIONAL_WRITES}): {@link
 * #requireValue(byte[], byte[])} and {@link #requireAbsent(byte[])} add conditions on the state the
 * batch finds, all checked, atomically with applying it, before any operation of the batch: if any
 * fails, nothing is applied and the write throws {@link ConflictException}.
 *
 * <p><b>Range deletes</b> (SPI 1.1, {@link Capability#RANGE_DELETES}): {@link
 * #deleteRange(KeyRange)} deletes every key of a range, in order with the batch's other operations.
 */
public final class WriteBatch {

  /**
   * One operation of a batch. New kinds of operation come with a capability, so an engine never
   * receives one it was not compiled to know.
   */
  public sealed interface Operation permits Put, Delete, DeleteRange {
    /**
     * The key, owned by the batch: do not modify. For a {@link DeleteRange}, the smallest key it
     * can touch: its range's lower bound, or the empty key when it has none.
     */
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

  /**
   * A delete of every key in {@code range} at the point of the batch where it stands.
   *
   * @param range the keys deleted
   * @since 1.1
   */
  public record DeleteRange(KeyRange range) implements Operation {
    @Override
    public byte[] key() {
      return range.lower() == null ? new byte[0] : range.lower().key();
    }
  }

  /**
   * A condition on the state a batch finds: {@code key} in {@code keyspace} holds {@code expected},
   * or, when {@code expected} is null, is absent. Arrays owned by the batch.
   *
   * @param keyspace the key's keyspace
   * @param key the key
   * @param expected the value required, or null for "absent"
   * @since 1.1
   */
  public record Precondition(String keyspace, byte[] key, byte[] expected) {}

  private final List<Operation> operations = new ArrayList<>();
  private final TreeMap<String, List<Operation>> others = new TreeMap<>();
  private final List<Precondition> preconditions = new ArrayList<>();
  private int count;
  private long bytes;

  /** Creates an empty batch. */
  public WriteBatch() {}

  /**
   * Adds a put to the default keyspace.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, or the batch would exceed
   *     its limits
   */
  public WriteBatch put(byte[] key, byte[] value) {
    return put(Keyspace.DEFAULT, key, value);
  }

  /**
   * Adds a put to {@code keyspace}.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, not a keyspace name, or the
   *     batch would exceed its limits
   * @since 1.1
   */
  public WriteBatch put(String keyspace, byte[] key, byte[] value) {
    List<Operation> list = list(keyspace);
    Limits.checkKey(key);
    Limits.checkValue(value);
    grow(key.length + (long) value.length);
    list.add(new Put(key.clone(), value.clone()));
    return this;
  }

  /**
   * Adds a delete to the default keyspace.
   *
   * @return this batch
   * @throws InvalidArgumentException if the key is null, too large, or the batch would exceed its
   *     limits
   */
  public WriteBatch delete(byte[] key) {
    return delete(Keyspace.DEFAULT, key);
  }

  /**
   * Adds a delete to {@code keyspace}.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, not a keyspace name, or the
   *     batch would exceed its limits
   * @since 1.1
   */
  public WriteBatch delete(String keyspace, byte[] key) {
    List<Operation> list = list(keyspace);
    Limits.checkKey(key);
    grow(key.length);
    list.add(new Delete(key.clone()));
    return this;
  }

  /**
   * Adds a delete of every key in {@code range} of the default keyspace.
   *
   * @return this batch
   * @throws InvalidArgumentException if the range is null or the batch would exceed its limits
   * @since 1.1
   */
  public WriteBatch deleteRange(KeyRange range) {
    return deleteRange(Keyspace.DEFAULT, range);
  }

  /**
   * Adds a delete of every key in {@code range} of {@code keyspace}.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, not a keyspace name, or the batch
   *     would exceed its limits
   * @since 1.1
   */
  public WriteBatch deleteRange(String keyspace, KeyRange range) {
    List<Operation> list = list(keyspace);
    if (range == null) {
      throw new InvalidArgumentException("range is null");
    }
    grow(
        (range.lower() == null ? 0 : range.lower().key().length)
            + (long) (range.upper() == null ? 0 : range.upper().key().length));
    list.add(new DeleteRange(range));
    return this;
  }

  /**
   * Requires that {@code key} of the default keyspace holds {@code expected} when the batch is
   * applied.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, or the batch would exceed
   *     its limits
   * @since 1.1
   */
  public WriteBatch requireValue(byte[] key, byte[] expected) {
    return requireValue(Keyspace.DEFAULT, key, expected);
  }

  /**
   * Requires that {@code key} of {@code keyspace} holds {@code expected} when the batch is applied.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, not a keyspace name, or the
   *     batch would exceed its limits
   * @since 1.1
   */
  public WriteBatch requireValue(String keyspace, byte[] key, byte[] expected) {
    Keyspace.checkName(keyspace);
    Limits.checkKey(key);
    Limits.checkValue(expected);
    grow(key.length + (long) expected.length);
    preconditions.add(new Precondition(keyspace, key.clone(), expected.clone()));
    return this;
  }

  /**
   * Requires that {@code key} of the default keyspace is absent when the batch is applied.
   *
   * @return this batch
   * @throws InvalidArgumentException if the key is null, too large, or the batch would exceed its
   *     limits
   * @since 1.1
   */
  public WriteBatch requireAbsent(byte[] key) {
    return requireAbsent(Keyspace.DEFAULT, key);
  }

  /**
   * Requires that {@code key} of {@code keyspace} is absent when the batch is applied.
   *
   * @return this batch
   * @throws InvalidArgumentException if an argument is null, too large, not a keyspace name, or the
   *     batch would exceed its limits
   * @since 1.1
   */
  public WriteBatch requireAbsent(String keyspace, byte[] key) {
    Keyspace.checkName(keyspace);
    Limits.checkKey(key);
    grow(key.length);
    preconditions.add(new Precondition(keyspace, key.clone(), null));
    return this;
  }

  private List<Operation> list(String keyspace) {
    Keyspace.checkName(keyspace);
    return keyspace.equals(Keyspace.DEFAULT)
        ? operations
        : others.computeIfAbsent(keyspace, k -> new ArrayList<>());
  }

  private void grow(long more) {
    if (count >= Limits.MAX_BATCH_OPERATIONS) {
      throw new InvalidArgumentException(
          "write batch exceeds the limit of " + Limits.MAX_BATCH_OPERATIONS + " operations");
    }
    if (bytes + more > Limits.MAX_BATCH_BYTES) {
      throw new InvalidArgumentException(
          "write batch exceeds the limit of " + Limits.MAX_BATCH_BYTES + " bytes");
    }
    bytes += more;
    count++;
  }

  /**
   * The operations on the default keyspace in the order they were added; an unmodifiable live view.
   */
  public List<Operation> operations() {
    return Collections.unmodifiableList(operations);
  }

  /**
   * The operations on {@code keyspace} in the order they were added; an unmodifiable live view
   * (empty for a keyspace the batch does not touch).
   *
   * @throws InvalidArgumentException if {@code keyspace} is not a keyspace name
   * @since 1.1
   */
  public List<Operation> operations(String keyspace) {
    Keyspace.checkName(keyspace);
    if (keyspace.equals(Keyspace.DEFAULT)) {
      return operations();
    }
    List<Operation> list = others.get(keyspace);
    return list == null ? List.of() : Collections.unmodifiableList(list);
  }

  /**
   * The keyspaces this batch has operations or preconditions on, sorted by name.
   *
   * @since 1.1
   */
  public Set<String> keyspaces() {
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    if (!operations.isEmpty()) {
      names.add(Keyspace.DEFAULT);
    }
    others.forEach(
        (name, list) -> {
          if (!list.isEmpty()) {
            names.add(name);
          }
        });
    preconditions.forEach(p -> names.add(p.keyspace()));
    return Collections.unmodifiableSet(names);
  }

  /**
   * True when the batch touches a keyspace other than {@link Keyspace#DEFAULT}.
   *
   * @since 1.1
   */
  public boolean namesOtherKeyspaces() {
    for (String name : keyspaces()) {
      if (!name.equals(Keyspace.DEFAULT)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The preconditions in the order they were added; an unmodifiable live view.
   *
   * @since 1.1
   */
  public List<Precondition> preconditions() {
    return Collections.unmodifiableList(preconditions);
  }

  /**
   * True when any keyspace of the batch holds a {@link DeleteRange}.
   *
   * @since 1.1
   */
  public boolean hasRangeDeletes() {
    for (Operation op : operations) {
      if (op instanceof DeleteRange) {
        return true;
      }
    }
    for (List<Operation> list : others.values()) {
      for (Operation op : list) {
        if (op instanceof DeleteRange) {
          return true;
        }
      }
    }
    return false;
  }

  /** The number of operations and preconditions, over every keyspace. */
  public int size() {
    return count;
  }

  /** True when the batch holds no operation and no precondition. */
  public boolean isEmpty() {
    return count == 0;
  }

  /** The bytes of all keys and values added, preconditions and range bounds included. */
  public long byteSize() {
    return bytes;
  }

  /** Removes every operation and precondition. */
  public void clear() {
    operations.clear();
    others.clear();
    preconditions.clear();
    count = 0;
    bytes = 0;
  }

  @Override
  public String toString() {
    return "WriteBatch["
        + count
        + " operations"
        + (preconditions.isEmpty() ? "" : " (" + preconditions.size() + " preconditions)")
        + (others.isEmpty() ? "" : " on keyspaces " + keyspaces())
        + ", "
        + bytes
        + " bytes]";
  }
}
