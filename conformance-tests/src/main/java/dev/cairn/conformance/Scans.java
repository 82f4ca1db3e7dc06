package dev.cairn.conformance;

import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.ReadView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Reading whole ranges, and what a correct engine returns for them. Stateless. */
final class Scans {

  private Scans() {}

  /** One entry, with content equality and readable text. */
  record Entry(byte[] key, byte[] value) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e && Arrays.equals(e.key, key) && Arrays.equals(e.value, value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return Bytes.hex(key) + "=" + Bytes.hex(value);
    }
  }

  /** Every entry the cursor yields from where it is; the cursor stays open. */
  static List<Entry> drain(Cursor c) {
    List<Entry> out = new ArrayList<>();
    while (c.next()) {
      out.add(new Entry(c.key(), c.value()));
    }
    return out;
  }

  /** Every entry of {@code range} in {@code direction}, read with one cursor. */
  static List<Entry> scan(ReadView view, KeyRange range, Direction direction) {
    try (Cursor c = view.cursor(range, direction)) {
      return drain(c);
    }
  }

  /** Every entry, forward. */
  static List<Entry> all(ReadView view) {
    return scan(view, KeyRange.all(), Direction.FORWARD);
  }

  /** Every entry, sorted by key: for engines whose full scan has no specified order. */
  static List<Entry> allSorted(ReadView view) {
    List<Entry> out = new ArrayList<>(all(view));
    out.sort((a, b) -> Arrays.compareUnsigned(a.key, b.key));
    return out;
  }

  /** A model map in unsigned key order. */
  static NavigableMap<byte[], byte[]> model() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  /** What a correct engine yields for {@code range} in {@code direction} over {@code model}. */
  static List<Entry> expected(
      NavigableMap<byte[], byte[]> model, KeyRange range, Direction direction) {
    List<Entry> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      if (range.contains(e.getKey())) {
        out.add(new Entry(e.getKey(), e.getValue()));
      }
    }
    if (direction == Direction.REVERSE) {
      java.util.Collections.reverse(out);
    }
    return out;
  }

  /**
   * What a correct cursor over {@code range} in {@code direction} yields after a seek to {@code
   * target}: the entries of the range at or beyond the target in the cursor's direction.
   */
  static List<Entry> afterSeek(
      NavigableMap<byte[], byte[]> model, KeyRange range, Direction direction, byte[] target) {
    KeyRange ahead =
        direction == Direction.FORWARD ? KeyRange.atLeast(target) : KeyRange.atMost(target);
    return expected(model, range, direction).stream().filter(e -> ahead.contains(e.key())).toList();
  }
}
