package dev.cairn.engine.hash;

import dev.cairn.spi.Durability;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Every write made to a fuzzed store, in order: the model a damaged store's reads are judged
 * against.
 *
 * <p>One thread writes, so the engine gives operation {@code i} (from 1) sequence number {@code i},
 * batches included; {@link PristineStore} checks that against the records in the files. Every put
 * writes a value no other put writes ({@code "s<seq>:"} and padding), so a read names the write it
 * came from, and "an older value" or "a value never written" is exact.
 */
final class FuzzHistory {

  /**
   * One operation.
   *
   * @param seq its sequence number
   * @param key the key
   * @param value the value put, or null for a delete
   * @param batchStart the sequence number of the first operation of its batch (its own when alone)
   */
  record Op(long seq, String key, byte[] value, long batchStart) {}

  private static final int HOT_KEYS = 120;

  private final List<Op> ops = new ArrayList<>();
  private final TreeSet<String> keys = new TreeSet<>();
  private int anchors;
  private int sinceAnchor;

  /**
   * Writes about {@code count} operations (some in batches) to {@code engine} and records them.
   *
   * <p>Every batch, and at least every fourth single operation, puts a key that is never written
   * again (an anchor). No record is larger than a quarter of a 4 KiB file and no batch larger than
   * a twelfth, so a file that rolls holds at least four requests, and so an anchor, and never
   * becomes wholly stale: with {@code merge.threshold} 1 nothing is merged while this writes,
   * whatever the background thread's timing, and the files are the same from run to run.
   */
  void write(StorageEngine engine, SplittableRandom r, int count) {
    int target = ops.size() + count;
    while (ops.size() < target) {
      if (sinceAnchor == 3) {
        put(engine, anchor(), r);
        sinceAnchor = 0;
        continue;
      }
      sinceAnchor++;
      int kind = r.nextInt(20);
      if (kind < 12) {
        put(engine, hotKey(r), r);
      } else if (kind < 15) {
        String k = hotKey(r);
        engine.delete(bytes(k), Durability.BUFFERED);
        record(k, null, ops.size() + 1L);
      } else {
        batch(engine, r);
      }
    }
  }

  private void put(StorageEngine engine, String key, SplittableRandom r) {
    long seq = ops.size() + 1L;
    byte[] v = value(seq, r, true);
    engine.put(bytes(key), v, Durability.BUFFERED);
    record(key, v, seq);
  }

  private String anchor() {
    return "a" + String.format("%04d", anchors++);
  }

  private void batch(StorageEngine engine, SplittableRandom r) {
    int n = 2 + r.nextInt(3);
    List<String> chosen = new ArrayList<>();
    chosen.add(anchor());
    while (chosen.size() < n) {
      String k = hotKey(r);
      if (!chosen.contains(k)) {
        chosen.add(k);
      }
    }
    long first = ops.size() + 1L;
    WriteBatch b = new WriteBatch();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] v = i > 0 && r.nextInt(4) == 0 ? null : value(first + i, r, false);
      values.add(v);
      if (v == null) {
        b.delete(bytes(chosen.get(i)));
      } else {
        b.put(bytes(chosen.get(i)), v);
      }
    }
    engine.write(b, Durability.BUFFERED);
    for (int i = 0; i < n; i++) {
      record(chosen.get(i), values.get(i), first);
    }
  }

  private void record(String key, byte[] value, long batchStart) {
    ops.add(new Op(ops.size() + 1L, key, value, batchStart));
    keys.add(key);
  }

  private static String hotKey(SplittableRandom r) {
    return "k" + String.format("%03d", r.nextInt(HOT_KEYS));
  }

  private static byte[] value(long seq, SplittableRandom r, boolean mayBeLarge) {
    int pad = mayBeLarge && r.nextInt(20) == 0 ? 200 + r.nextInt(700) : r.nextInt(48);
    return ("s" + seq + ":" + "x".repeat(pad)).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The number of operations written. */
  long lastSeq() {
    return ops.size();
  }

  Op op(long seq) {
    return ops.get((int) (seq - 1));
  }

  /** Every key ever written, in order. */
  List<String> keys() {
    return List.copyOf(keys);
  }

  /** The store's contents after every operation up to and including {@code seq}. */
  Map<String, byte[]> stateAt(long seq) {
    Map<String, byte[]> state = new HashMap<>();
    for (int i = 0; i < seq; i++) {
      Op op = ops.get(i);
      if (op.value() == null) {
        state.remove(op.key());
      } else {
        state.put(op.key(), op.value());
      }
    }
    return state;
  }

  /**
   * How {@code observed} (null: absent) relates to {@code key}'s history, for a failure message.
   */
  String describe(String key, byte[] observed, Map<String, byte[]> expected) {
    byte[] want = expected.get(key);
    String wanted = want == null ? "absent" : "the value of seq " + seqOf(want);
    if (observed == null) {
      return key + " read absent, expected " + wanted;
    }
    long s = seqOf(observed);
    if (s < 1
        || s > ops.size()
        || !Arrays.equals(op(s).value(), observed)
        || !op(s).key().equals(key)) {
      return key
          + " read a value never written to it ("
          + abbreviate(observed)
          + "), expected "
          + wanted;
    }
    if (want != null && s < seqOf(want)) {
      return key + " read an OLDER value (seq " + s + "), expected " + wanted;
    }
    return key + " read the value of seq " + s + ", expected " + wanted;
  }

  /** The sequence number a value names, or -1. */
  static long seqOf(byte[] value) {
    String v = new String(value, StandardCharsets.UTF_8);
    int colon = v.indexOf(':');
    if (!v.startsWith("s") || colon < 2) {
      return -1;
    }
    try {
      return Long.parseLong(v.substring(1, colon));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String abbreviate(byte[] v) {
    String s = new String(v, StandardCharsets.UTF_8);
    return s.length() <= 24 ? s : s.substring(0, 24) + "...(" + v.length + " bytes)";
  }
}
