package dev.cairn.engine.lsm;

import dev.cairn.engine.toolkit.Varints;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds a block of sorted entries with prefix-compressed keys (LevelDB's {@code block_builder.cc};
 * {@code docs/formats/lsm-table.md}):
 *
 * <pre>
 * entry:   | shared (varint) | unshared (varint) | value length (varint) | key suffix | value |
 * trailer: | restart offset (4B LE) ... | restart count (4B LE) |
 * </pre>
 *
 * <p>Each key is stored as the length of the prefix it shares with the previous key and the rest.
 * Every {@code restartInterval} entries the full key is stored (shared = 0) and the entry's offset
 * recorded as a <em>restart point</em>, so a reader can binary-search the restart points and decode
 * from there.
 *
 * <p>Not thread-safe.
 */
final class BlockBuilder {

  private final int restartInterval;
  private byte[] buffer = new byte[4096];
  private int size;
  private int[] restarts = new int[16];
  private int restartCount;
  private int counter;
  private byte[] lastKey = new byte[64];
  private int lastKeyLength;
  private int entries;

  BlockBuilder(int restartInterval) {
    this.restartInterval = restartInterval;
    reset();
  }

  void reset() {
    size = 0;
    restartCount = 0;
    addRestart(0);
    counter = 0;
    lastKeyLength = 0;
    entries = 0;
  }

  private void addRestart(int offset) {
    if (restartCount == restarts.length) {
      restarts = Arrays.copyOf(restarts, restartCount * 2);
    }
    restarts[restartCount++] = offset;
  }

  boolean isEmpty() {
    return entries == 0;
  }

  int entries() {
    return entries;
  }

  /** The size the block would have if finished now. */
  int sizeEstimate() {
    return size + 4 * restartCount + 4;
  }

  /** Adds an entry; its key must order after the previous one's. */
  void add(byte[] key, byte[] value) {
    add(key, 0, key.length, value, 0, value.length);
  }

  void add(
      byte[] key, int keyOffset, int keyLength, byte[] value, int valueOffset, int valueLength) {
    int shared = 0;
    if (counter < restartInterval) {
      int max = Math.min(lastKeyLength, keyLength);
      shared = Arrays.mismatch(lastKey, 0, max, key, keyOffset, keyOffset + max);
      if (shared < 0) {
        shared = max;
      }
    } else {
      addRestart(size);
      counter = 0;
    }
    int unshared = keyLength - shared;
    ensure(3 * Varints.MAX_INT_BYTES + unshared + valueLength);
    ByteBuffer b = ByteBuffer.wrap(buffer, size, buffer.length - size);
    Varints.putUnsignedInt(b, shared);
    Varints.putUnsignedInt(b, unshared);
    Varints.putUnsignedInt(b, valueLength);
    b.put(key, keyOffset + shared, unshared);
    b.put(value, valueOffset, valueLength);
    size = b.position();
    if (lastKey.length < keyLength) {
      lastKey = Arrays.copyOf(lastKey, Math.max(keyLength, lastKey.length * 2));
    }
    System.arraycopy(key, keyOffset, lastKey, 0, keyLength);
    lastKeyLength = keyLength;
    counter++;
    entries++;
  }

  private void ensure(int more) {
    if (buffer.length - size < more) {
      buffer = Arrays.copyOf(buffer, Math.max(size + more, buffer.length * 2));
    }
  }

  /** The last key added; a copy. */
  byte[] lastKey() {
    return Arrays.copyOf(lastKey, lastKeyLength);
  }

  /** The block's bytes: its entries and restart trailer. The builder must be reset before reuse. */
  byte[] finish() {
    ensure(4 * restartCount + 4);
    ByteBuffer b =
        ByteBuffer.wrap(buffer, size, buffer.length - size).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < restartCount; i++) {
      b.putInt(restarts[i]);
    }
    b.putInt(restartCount);
    return Arrays.copyOf(buffer, b.position());
  }
}
