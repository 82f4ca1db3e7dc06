package dev.cairn.conformance;

import static dev.cairn.conformance.Bytes.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.cairn.spi.Capability;
import dev.cairn.spi.Direction;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Limits;
import dev.cairn.spi.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keys and values at the edges: every size of {@link Sizes} (empty, around pages and blocks, the
 * maxima), long keys that differ only at their end, overwrites of long keys, 0x00 and 0x80-0xFF
 * bytes, unsigned order, prefixes.
 */
abstract class KeyValueEdgeCaseTests extends ConformanceGroup {

  static Stream<Arguments> keys() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    return Stream.of(
        arguments("empty key", new byte[0]),
        arguments("0x00", Bytes.of(0x00)),
        arguments("0xFF", Bytes.of(0xFF)),
        arguments("0x7F", Bytes.of(0x7F)),
        arguments("0x80", Bytes.of(0x80)),
        arguments("0x00 0x00", Bytes.of(0x00, 0x00)),
        arguments("0xFF x 8", Bytes.filled(8, 0xFF)),
        arguments("every byte value", all),
        arguments("multi-byte UTF-8", b("ключ-鍵-🔑")),
        arguments("1 KiB", Bytes.random(1, 1024)),
        arguments("4 KiB - 1", Bytes.random(3, 4095)),
        arguments("4 KiB", Bytes.random(4, 4096)),
        arguments("4 KiB + 1", Bytes.random(5, 4097)),
        arguments("32 KiB", Bytes.random(6, 32 * 1024)),
        arguments("high bytes 0x80-0xFF", Bytes.of(0x80, 0xBF, 0xC0, 0xE9, 0xFE, 0xFF)),
        arguments("maximum key size", Bytes.random(2, Limits.MAX_KEY_SIZE)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void keyRoundTrips(String name, byte[] key) {
    StorageEngine e = open();
    e.put(b("neighbour"), b("n"));
    e.put(key, b("value of " + name));
    assertArrayEquals(b("value of " + name), e.get(key));
    assertEquals(
        List.of(
                new Scans.Entry(key, b("value of " + name)),
                new Scans.Entry(b("neighbour"), b("n")))
            .stream()
            .sorted((x, y) -> Arrays.compareUnsigned(x.key(), y.key()))
            .toList(),
        Scans.allSorted(e));
    e.delete(key);
    assertNull(e.get(key));
    assertArrayEquals(b("n"), e.get(b("neighbour")));
  }

  static Stream<Arguments> values() {
    return Stream.of(
        arguments("empty value", 0),
        arguments("1 byte", 1),
        arguments("255 bytes", 255),
        arguments("4095 bytes", 4095),
        arguments("4096 bytes", 4096),
        arguments("4097 bytes", 4097),
        arguments("32 KiB", 32 * 1024),
        arguments("64 KiB - 1", 65_535),
        arguments("64 KiB", 65_536),
        arguments("64 KiB + 1", 65_537),
        arguments("1 MiB + 3", 1024 * 1024 + 3),
        arguments("maximum value size", Limits.MAX_VALUE_SIZE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void valueRoundTrips(String name, int size) {
    StorageEngine e = open();
    byte[] value = Bytes.random(size, size);
    e.put(b("k"), value);
    byte[] read = e.get(b("k"));
    assertNotNull(read, name + " value is missing");
    assertEquals(size, read.length, name + ": wrong length");
    assertArrayEquals(value, read, name);
    List<Scans.Entry> scanned = Scans.all(e);
    assertEquals(List.of(new Scans.Entry(b("k"), value)), scanned, name + " through a cursor");
  }

  /**
   * Long keys that share all but their last byte, and a key that is a prefix of another, are
   * distinct keys: an engine that identifies, hashes or compares keys by a prefix of them (its
   * first page, say) mixes them up.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cairn.conformance.Sizes#longKeys")
  void longKeysThatDifferOnlyAtTheirEndAreDistinct(Sizes.Size size) {
    StorageEngine e = open();
    byte[] key = Sizes.bytes(4, size.bytes());
    int last = key.length - 1;
    byte[] lastBitDiffers = key.clone();
    lastBitDiffers[last] ^= 0x01;
    byte[] highBitDiffers = key.clone();
    highBitDiffers[last] ^= (byte) 0x80;
    List<byte[]> keys =
        new ArrayList<>(List.of(key, lastBitDiffers, highBitDiffers, Arrays.copyOf(key, last)));
    if (key.length < Limits.MAX_KEY_SIZE) {
      keys.add(Arrays.copyOf(key, key.length + 1));
    }
    NavigableMap<byte[], byte[]> model = Scans.model();
    for (int i = 0; i < keys.size(); i++) {
      e.put(keys.get(i), b("value " + i));
      model.put(keys.get(i), b("value " + i));
    }
    assertHolds(e, model, size + " keys");
    e.delete(lastBitDiffers);
    model.remove(lastBitDiffers);
    e.put(key, b("overwritten"));
    model.put(key, b("overwritten"));
    assertHolds(e, model, size + " keys after a delete and an overwrite");
    assertNull(e.get(lastBitDiffers), size + ": a deleted key is still there");
  }

  /**
   * A long key overwritten with values of other sizes, deleted, and put again reads the latest each
   * time, and its neighbour (the same key but for the last byte) is untouched.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.cairn.conformance.Sizes#longKeys")
  void aLongKeyCanBeOverwrittenDeletedAndPutAgain(Sizes.Size size) {
    StorageEngine e = open();
    byte[] key = Sizes.bytes(5, size.bytes());
    byte[] neighbour = key.clone();
    neighbour[neighbour.length - 1] ^= 0x01;
    NavigableMap<byte[], byte[]> model = Scans.model();
    e.put(neighbour, b("neighbour"));
    model.put(neighbour, b("neighbour"));
    int[] sizes = {1, 64 * 1024 + 1, 0, 4097, 32 * 1024, 4096};
    for (int i = 0; i < sizes.length; i++) {
      byte[] value = Sizes.bytes(i, sizes[i]);
      e.put(key, value);
      model.put(key, value);
      assertHolds(e, model, size + " key, overwrite " + i + " with " + sizes[i] + " bytes");
    }
    e.delete(key);
    model.remove(key);
    assertHolds(e, model, size + " key, deleted");
    assertNull(e.get(key), size + " key: still there after its delete");
    byte[] again = Sizes.bytes(9, 4095);
    e.put(key, again);
    model.put(key, again);
    assertHolds(e, model, size + " key, put again after the delete");
    e.delete(key);
    e.delete(key);
    e.put(key, new byte[0]);
    model.put(key, new byte[0]);
    assertHolds(e, model, size + " key, deleted twice then put empty");
  }

  /** Every key of {@code model} reads its value, and a full scan shows exactly the model. */
  private static void assertHolds(
      StorageEngine e, NavigableMap<byte[], byte[]> model, String when) {
    for (var entry : model.entrySet()) {
      byte[] read = e.get(entry.getKey());
      assertNotNull(read, () -> when + ": " + Bytes.hex(entry.getKey()) + " is missing");
      assertArrayEquals(
          entry.getValue(), read, () -> when + ": wrong value for " + Bytes.hex(entry.getKey()));
    }
    assertEquals(
        Scans.expected(model, KeyRange.all(), Direction.FORWARD),
        Scans.allSorted(e),
        when + ": through a cursor");
  }

  @ParameterizedTest(name = "value of {0} bytes of 0x{1}")
  @ValueSource(ints = {0x00, 0xFF})
  void valuesOfZeroAndFFBytesRoundTrip(int fill) {
    StorageEngine e = open();
    byte[] v = Bytes.filled(300, fill);
    e.put(Bytes.filled(3, fill), v);
    assertArrayEquals(v, e.get(Bytes.filled(3, fill)));
  }

  @Test
  void anEmptyValueIsDistinctFromAbsence() {
    StorageEngine e = open();
    e.put(b("k"), new byte[0]);
    byte[] read = e.get(b("k"));
    assertNotNull(read, "an empty value read back as absent");
    assertEquals(0, read.length);
    assertEquals(List.of(new Scans.Entry(b("k"), new byte[0])), Scans.all(e));
    e.delete(b("k"));
    assertNull(e.get(b("k")));
  }

  @Test
  void theEmptyKeyIsDistinctFromOthers() {
    StorageEngine e = open();
    e.put(new byte[0], b("empty"));
    e.put(Bytes.of(0), b("zero"));
    assertArrayEquals(b("empty"), e.get(new byte[0]));
    assertArrayEquals(b("zero"), e.get(Bytes.of(0)));
  }

  @Test
  void aKeyOverTheLimitIsRejectedAndChangesNothing() {
    StorageEngine e = open();
    byte[] big = new byte[Limits.MAX_KEY_SIZE + 1];
    assertThrows(InvalidArgumentException.class, () -> e.put(big, b("v")));
    assertThrows(InvalidArgumentException.class, () -> e.get(big));
    assertThrows(InvalidArgumentException.class, () -> e.delete(big));
    assertEquals(List.of(), Scans.all(e));
  }

  @Test
  void aValueOverTheLimitIsRejectedAndChangesNothing() {
    StorageEngine e = open();
    e.put(b("k"), b("before"));
    assertThrows(
        InvalidArgumentException.class, () -> e.put(b("k"), new byte[Limits.MAX_VALUE_SIZE + 1]));
    assertArrayEquals(b("before"), e.get(b("k")));
  }

  @Test
  @Tag("capability:ORDERED_SCANS")
  void keysOrderUnsigned() {
    requires(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    List<byte[]> keys =
        new ArrayList<>(
            List.of(
                new byte[0],
                Bytes.of(0x00),
                Bytes.of(0x00, 0x00),
                Bytes.of(0x01),
                Bytes.of(0x7F),
                Bytes.of(0x7F, 0xFF),
                Bytes.of(0x80),
                Bytes.of(0x80, 0x00),
                Bytes.of(0xFE),
                Bytes.of(0xFF),
                Bytes.of(0xFF, 0x00),
                Bytes.of(0xFF, 0xFF)));
    List<byte[]> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(7));
    for (byte[] k : shuffled) {
      e.put(k, k);
    }
    List<Scans.Entry> forward = keys.stream().map(k -> new Scans.Entry(k, k)).toList();
    assertEquals(forward, Scans.scan(e, KeyRange.all(), Direction.FORWARD));
    List<Scans.Entry> reverse = new ArrayList<>(forward);
    Collections.reverse(reverse);
    assertEquals(reverse, Scans.scan(e, KeyRange.all(), Direction.REVERSE));
  }

  @Test
  @Tag("capability:ORDERED_SCANS")
  void aKeyOrdersBeforeTheKeysItPrefixes() {
    requires(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    for (String k : List.of("b", "ab", "a", "a\0", "aa", "", "abc")) {
      e.put(b(k), b("v:" + k));
    }
    List<Scans.Entry> expected =
        Stream.of("", "a", "a\0", "aa", "ab", "abc", "b")
            .map(k -> new Scans.Entry(b(k), b("v:" + k)))
            .toList();
    assertEquals(expected, Scans.all(e));
    assertArrayEquals(b("v:a"), e.get(b("a")));
    assertArrayEquals(b("v:aa"), e.get(b("aa")));
  }

  @Test
  @Tag("capability:ORDERED_SCANS")
  void aPrefixRangeHoldsExactlyThePrefixedKeys() {
    requires(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    for (byte[] k :
        List.of(
            b("a"),
            b("ab"),
            b("a\u007f"),
            Bytes.of('a', 0xFF),
            b("b"),
            b(""),
            Bytes.of(0xFF),
            Bytes.of(0xFF, 0xFF),
            Bytes.of(0xFF, 0xFF, 0x01))) {
      e.put(k, b("v"));
    }
    assertEquals(
        List.of(b("a"), b("ab"), b("a\u007f"), Bytes.of('a', 0xFF)).stream()
            .map(k -> new Scans.Entry(k, b("v")))
            .toList(),
        Scans.scan(e, KeyRange.prefix(b("a")), Direction.FORWARD));
    assertEquals(
        List.of(Bytes.of(0xFF, 0xFF, 0x01), Bytes.of(0xFF, 0xFF)).stream()
            .map(k -> new Scans.Entry(k, b("v")))
            .toList(),
        Scans.scan(e, KeyRange.prefix(Bytes.of(0xFF, 0xFF)), Direction.REVERSE));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  @Tag("capability:ORDERED_SCANS")
  void randomBinaryKeysScanInUnsignedOrder(long seed) {
    requires(Capability.ORDERED_SCANS);
    StorageEngine e = open();
    NavigableMap<byte[], byte[]> model = Scans.model();
    Random r = new Random(seed);
    for (int i = 0; i < 500; i++) {
      byte[] k = Bytes.random(r.nextLong(), r.nextInt(6));
      byte[] v = Bytes.random(r.nextLong(), r.nextInt(20));
      e.put(k, v);
      model.put(k, v);
    }
    assertEquals(Scans.expected(model, KeyRange.all(), Direction.FORWARD), Scans.all(e));
    assertEquals(
        Scans.expected(model, KeyRange.all(), Direction.REVERSE),
        Scans.scan(e, KeyRange.all(), Direction.REVERSE));
  }
}
