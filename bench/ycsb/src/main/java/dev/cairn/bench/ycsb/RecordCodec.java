package dev.cairn.bench.ycsb;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a YCSB record (named fields of bytes) and its key are stored in one Cairn entry.
 *
 * <p>Key: the table's name in UTF-8, a zero byte, then the record key in UTF-8, so each table is a
 * contiguous key range and scans stay inside it. Value: for each field, a 4-byte big-endian length
 * and the field name in UTF-8, then a 4-byte length and the field's bytes. Stateless; thread-safe.
 */
final class RecordCodec {

  private RecordCodec() {}

  /** The Cairn key of {@code key} in {@code table}. */
  static byte[] key(String table, String key) {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length + 1 + k.length];
    System.arraycopy(t, 0, out, 0, t.length);
    System.arraycopy(k, 0, out, t.length + 1, k.length);
    return out;
  }

  /** The first key after every key of {@code table}: the table's name, then the byte 1. */
  static byte[] tableEnd(String table) {
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length + 1];
    System.arraycopy(t, 0, out, 0, t.length);
    out[t.length] = 1;
    return out;
  }

  /** The record key of a Cairn key made by {@link #key}. */
  static String recordKey(String table, byte[] cairnKey) {
    int skip = table.getBytes(StandardCharsets.UTF_8).length + 1;
    return new String(cairnKey, skip, cairnKey.length - skip, StandardCharsets.UTF_8);
  }

  /** Encodes fields, in the map's order. */
  static byte[] encode(Map<String, byte[]> fields) {
    int size = 0;
    byte[][] names = new byte[fields.size()][];
    int i = 0;
    for (Map.Entry<String, byte[]> e : fields.entrySet()) {
      names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
      size = Math.addExact(size, 8 + names[i].length + e.getValue().length);
      i++;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    i = 0;
    for (byte[] value : fields.values()) {
      out.putInt(names[i].length).put(names[i]).putInt(value.length).put(value);
      i++;
    }
    return out.array();
  }

  /**
   * Decodes a value made by {@link #encode}, keeping only {@code wanted} fields (all when null).
   *
   * @throws IllegalArgumentException if the bytes are not such a value
   */
  static Map<String, byte[]> decode(byte[] value, Set<String> wanted) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    ByteBuffer in = ByteBuffer.wrap(value);
    try {
      while (in.hasRemaining()) {
        String name = new String(take(in), StandardCharsets.UTF_8);
        byte[] field = take(in);
        if (wanted == null || wanted.contains(name)) {
          out.put(name, field);
        }
      }
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalArgumentException(
          "not a YCSB record written by this binding (" + value.length + " bytes)", e);
    }
    return out;
  }

  private static byte[] take(ByteBuffer in) {
    byte[] b = new byte[in.getInt()];
    in.get(b);
    return b;
  }
}
