package dev.cairn.engine.lsm;

import dev.cairn.spi.CorruptionException;
import java.util.Arrays;

/**
 * A block as read from a table, checksum verified: entries with prefix-compressed keys and a
 * trailer of restart points ({@link BlockBuilder}). Immutable, so a cached block is shared by every
 * reader.
 *
 * <p>The block's checksum was verified when it was read, so damage shows here only from a writer's
 * bug or damage a checksum missed; still, every offset and length is checked before it is used, and
 * a bad one throws {@link CorruptionException} naming the block, never an index error.
 *
 * <p>Thread-safe; its {@link Cursor}s are not.
 */
final class Block {

  final byte[] data;
  private final int restartsOffset;
  private final int restartCount;
  private final String where;

  /**
   * @param data the block's contents, exactly (no trailer)
   * @param where the table and offset, for messages
   * @throws CorruptionException if the restart trailer is impossible
   */
  Block(byte[] data, String where) {
    this.data = data;
    this.where = where;
    if (data.length < 4) {
      throw new CorruptionException(where + ": a block of " + data.length + " bytes");
    }
    int count = getIntLe(data, data.length - 4);
    if (count < 1 || count > (data.length - 4) / 4) {
      throw new CorruptionException(
          where + ": a block of " + data.length + " bytes claims " + count + " restart points");
    }
    this.restartCount = count;
    this.restartsOffset = data.length - 4 - 4 * count;
    for (int i = 0; i < count; i++) {
      int r = restart(i);
      if (r < 0 || r > restartsOffset || (i > 0 && r <= restart(i - 1))) {
        throw new CorruptionException(where + ": restart point " + i + " is out of order");
      }
    }
  }

  /** Memory the block takes, for the cache's budget. */
  int weight() {
    return data.length + 64;
  }

  String where() {
    return where;
  }

  private int restart(int i) {
    return getIntLe(data, restartsOffset + 4 * i);
  }

  static int getIntLe(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }

  Cursor cursor() {
    return new Cursor();
  }

  /**
   * A position in the block. Keys are encoded internal keys ({@link InternalKey#encode}) for data
   * and index blocks. Not thread-safe.
   */
  final class Cursor {
    private byte[] key = new byte[64];
    private int keyLength;
    private int valueOffset;
    private int valueLength;

    /** The offset of the current entry, or -1 when not on one. */
    private int current = -1;

    private int next; // offset after the current entry

    boolean valid() {
      return current >= 0;
    }

    byte[] keyBuffer() {
      return key;
    }

    int keyLength() {
      return keyLength;
    }

    byte[] key() {
      return Arrays.copyOf(key, keyLength);
    }

    byte[] data() {
      return data;
    }

    int valueOffset() {
      return valueOffset;
    }

    int valueLength() {
      return valueLength;
    }

    byte[] value() {
      return Arrays.copyOfRange(data, valueOffset, valueOffset + valueLength);
    }

    void seekToFirst() {
      seekToRestart(0);
    }

    void seekToLast() {
      seekToRestart(restartCount - 1);
      while (next < restartsOffset) {
        parseAt(next, false);
      }
    }

    void next() {
      if (current < 0) {
        return;
      }
      if (next >= restartsOffset) {
        current = -1;
        return;
      }
      parseAt(next, false);
    }

    void prev() {
      if (current < 0) {
        return;
      }
      int original = current;
      int r = restartCount - 1;
      while (r >= 0 && restart(r) >= original) {
        r--;
      }
      if (r < 0) {
        current = -1;
        return;
      }
      seekToRestart(r);
      while (next < original) {
        parseAt(next, false);
      }
    }

    /** Moves to the first entry whose key is at or after {@code target}; invalid if none. */
    void seek(InternalKey target) {
      int lo = 0;
      int hi = restartCount - 1;
      while (lo < hi) {
        int mid = (lo + hi + 1) >>> 1;
        parseAt(restart(mid), true);
        if (InternalKey.compareEncoded(key, 0, keyLength, target) < 0) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      seekToRestart(lo);
      while (current >= 0 && InternalKey.compareEncoded(key, 0, keyLength, target) < 0) {
        next();
      }
    }

    /** Moves to the last entry whose key is at or before {@code target}; invalid if none. */
    void seekForPrev(InternalKey target) {
      seek(target);
      if (current < 0) {
        seekToLast();
      } else if (InternalKey.compareEncoded(key, 0, keyLength, target) > 0) {
        prev();
      }
    }

    private void seekToRestart(int i) {
      if (restartsOffset == 0) {
        current = -1; // an empty block: the index of a table holding only range tombstones
        return;
      }
      parseAt(restart(i), true);
    }

    /** Decodes the entry at {@code offset}; {@code restart} says it must hold its whole key. */
    private void parseAt(int offset, boolean restart) {
      int p = offset;
      int[] out = new int[1];
      if (p >= restartsOffset) {
        throw damaged(offset, "an entry starts in the restart trailer");
      }
      long shared = varint(p, out);
      p = out[0];
      long unshared = varint(p, out);
      p = out[0];
      long vlen = varint(p, out);
      p = out[0];
      if (restart ? shared != 0 : shared > keyLength) {
        throw damaged(offset, "an entry shares " + shared + " bytes with a key of " + keyLength);
      }
      if (shared > keyLength
          || unshared > restartsOffset - p
          || vlen > restartsOffset - p - unshared) {
        throw damaged(offset, "an entry's lengths run past the block");
      }
      int total = (int) (shared + unshared);
      if (total < InternalKey.TRAILER_SIZE) {
        throw damaged(offset, "a key of " + total + " bytes");
      }
      if (key.length < total) {
        key = Arrays.copyOf(key, Math.max(total, key.length * 2));
      }
      System.arraycopy(data, p, key, (int) shared, (int) unshared);
      keyLength = total;
      p += (int) unshared;
      valueOffset = p;
      valueLength = (int) vlen;
      current = offset;
      next = p + valueLength;
    }

    private long varint(int p, int[] out) {
      long result = 0;
      for (int i = 0; i < 5; i++) {
        if (p + i >= restartsOffset) {
          throw damaged(p, "a varint runs past the entries");
        }
        int b = data[p + i] & 0xFF;
        result |= (long) (b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
          out[0] = p + i + 1;
          return result;
        }
      }
      throw damaged(p, "a varint longer than 5 bytes");
    }

    private CorruptionException damaged(int offset, String what) {
      current = -1;
      return new CorruptionException(where + ": entry at block offset " + offset + ": " + what);
    }
  }
}
