package dev.cairn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The boundary's per-step checks of a cursor (range, order, seek target) against keys of many
 * lengths, longer than its key buffers start, through every kind of bound.
 */
class BoundaryCursorTest {

  private static final long SEED = 20_261_206L;

  private final TinyProvider provider = TinyProvider.inMemory("memory");
  private final StorageEngine store =
      EngineRegistry.of(List.of(provider)).store().engine("memory").open();
  private final TinyEngine engine = provider.last();

  @AfterEach
  void close() {
    store.close();
  }

  /** Keys of 0 to 300 bytes, many sharing long prefixes, in unsigned order. */
  private TreeSet<byte[]> load() {
    SplittableRandom random = new SplittableRandom(SEED);
    TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
    byte[] prefix = new byte[200];
    random.nextBytes(prefix);
    for (int i = 0; i < 400; i++) {
      int length = random.nextInt(301);
      byte[] key =
          random.nextBoolean()
              ? Arrays.copyOf(prefix, length) // shares a long prefix with others
              : new byte[length];
      for (int j = random.nextInt(length + 1); j < length; j++) {
        key[j] = (byte) random.nextInt(256);
      }
      keys.add(key);
      store.put(key, new byte[] {1});
    }
    return keys;
  }

  private static List<byte[]> read(Cursor cursor) {
    List<byte[]> out = new ArrayList<>();
    try (cursor) {
      while (cursor.next()) {
        out.add(cursor.key());
      }
    }
    return out;
  }

  @Test
  void everyKindOfBoundLetsACorrectEngineThroughWithKeysOfEveryLength() {
    TreeSet<byte[]> keys = load();
    List<byte[]> sorted = new ArrayList<>(keys);
    byte[] a = sorted.get(100);
    byte[] z = sorted.get(300);
    List<KeyRange> ranges =
        List.of(
            KeyRange.all(),
            KeyRange.between(a, z),
            KeyRange.atLeast(a),
            KeyRange.greaterThan(a),
            KeyRange.lessThan(z),
            KeyRange.atMost(z),
            KeyRange.prefix(Arrays.copyOf(a, Math.min(a.length, 40))));
    for (KeyRange range : ranges) {
      for (Direction direction : Direction.values()) {
        List<byte[]> expected = new ArrayList<>();
        for (byte[] k : keys) {
          if (range.contains(k)) {
            expected.add(k);
          }
        }
        if (direction == Direction.REVERSE) {
          expected = expected.reversed();
        }
        List<byte[]> got = read(store.cursor(range, direction));
        assertEquals(expected.size(), got.size(), range + " " + direction + ", seed " + SEED);
        for (int i = 0; i < got.size(); i++) {
          assertTrue(Arrays.equals(expected.get(i), got.get(i)), range + " " + direction);
        }
      }
    }
  }

  @Test
  void seeksToEveryKeyPassTheChecksAndALongKeyOutOfOrderIsCaught() {
    TreeSet<byte[]> keys = load();
    try (Cursor c = store.cursor()) {
      for (byte[] k : keys) {
        c.seek(k);
        assertTrue(c.next());
        assertTrue(Arrays.equals(k, c.key()), "seed " + SEED);
      }
    }
    engine.wrongOrder = true;
    try (Cursor c = store.cursor(KeyRange.all(), Direction.FORWARD)) {
      assertTrue(c.next());
      ContractViolationException e = assertThrows(ContractViolationException.class, c::next);
      assertTrue(e.getMessage().contains("out of FORWARD order"), e.getMessage());
    }
  }

  @Test
  void aKeyEqualToAnExclusiveBoundIsAViolation() {
    store.put(new byte[] {5}, new byte[] {1});
    store.put(new byte[] {6}, new byte[] {1});
    engine.ignoreRange = true;
    try (Cursor c = store.cursor(KeyRange.greaterThan(new byte[] {5}), Direction.FORWARD)) {
      ContractViolationException e = assertThrows(ContractViolationException.class, c::next);
      assertTrue(e.getMessage().contains("key 05 outside its range"), e.getMessage());
    }
    try (Cursor c = store.cursor(KeyRange.lessThan(new byte[] {6}), Direction.REVERSE)) {
      ContractViolationException e = assertThrows(ContractViolationException.class, c::next);
      assertTrue(e.getMessage().contains("key 06 outside its range"), e.getMessage());
    }
    try (Cursor c = store.cursor(KeyRange.atMost(new byte[] {6}), Direction.REVERSE)) {
      assertTrue(c.next(), "an inclusive bound lets its own key through");
    }
  }
}
