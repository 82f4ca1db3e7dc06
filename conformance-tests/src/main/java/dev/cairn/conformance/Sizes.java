package dev.cairn.conformance;

import dev.cairn.spi.Limits;
import java.util.List;
import java.util.stream.Stream;

/**
 * The sizes of keys and values the groups write: empty, one byte, either side of a 4 KiB page or
 * block, 32 KiB, either side of 64 KiB, MiB-scale, and the maxima of {@link Limits}. Engines change
 * representation at such sizes (inline or overflow records, a block per value, a length field one
 * byte wider), and what is copied, compared or synced may change with it; a group that handles
 * bytes uses them all. Stateless.
 *
 * <p>The MiB-scale sizes cost a few milliseconds each on a fast engine; tests that run a size many
 * times use {@link #valuesBelowMiB()}.
 */
final class Sizes {

  /** A size with a name for test reports. */
  record Size(String name, int bytes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final int KIB = 1024;
  static final int MIB = 1024 * KIB;

  private static final Size EMPTY = new Size("empty", 0);
  private static final Size ONE = new Size("1 byte", 1);
  private static final Size PAGE_MINUS_ONE = new Size("4 KiB - 1", 4 * KIB - 1);
  private static final Size PAGE = new Size("4 KiB", 4 * KIB);
  private static final Size PAGE_PLUS_ONE = new Size("4 KiB + 1", 4 * KIB + 1);
  private static final Size BLOCK = new Size("32 KiB", 32 * KIB);
  private static final Size LARGE_MINUS_ONE = new Size("64 KiB - 1", 64 * KIB - 1);
  private static final Size LARGE = new Size("64 KiB", 64 * KIB);
  private static final Size LARGE_PLUS_ONE = new Size("64 KiB + 1", 64 * KIB + 1);
  private static final Size MIB_PLUS = new Size("1 MiB + 3", MIB + 3);
  private static final Size MAX_VALUE = new Size("maximum value", Limits.MAX_VALUE_SIZE);
  private static final Size MAX_KEY = new Size("maximum key", Limits.MAX_KEY_SIZE);

  private Sizes() {}

  /** Every key size, from empty to {@link Limits#MAX_KEY_SIZE} (which is 64 KiB - 1). */
  static Stream<Size> keys() {
    return Stream.of(EMPTY, ONE, PAGE_MINUS_ONE, PAGE, PAGE_PLUS_ONE, BLOCK, MAX_KEY);
  }

  /** The key sizes long enough to leave a page: 4 KiB - 1 and up. */
  static Stream<Size> longKeys() {
    return Stream.of(PAGE_MINUS_ONE, PAGE, PAGE_PLUS_ONE, BLOCK, MAX_KEY);
  }

  /** Every value size, from empty to {@link Limits#MAX_VALUE_SIZE}. */
  static Stream<Size> values() {
    return Stream.concat(valuesBelowMiB(), Stream.of(MIB_PLUS, MAX_VALUE));
  }

  /** The value sizes up to 64 KiB + 1, for tests that write each many times. */
  static Stream<Size> valuesBelowMiB() {
    return Stream.of(
        EMPTY,
        ONE,
        PAGE_MINUS_ONE,
        PAGE,
        PAGE_PLUS_ONE,
        BLOCK,
        LARGE_MINUS_ONE,
        LARGE,
        LARGE_PLUS_ONE);
  }

  /**
   * One key and one value size paired per entry, so that a handful of entries cover every size of
   * both: the small keys carry the large values and the reverse, and one entry is MiB-scale.
   */
  static List<Pair> pairs() {
    return List.of(
        new Pair(ONE, EMPTY),
        new Pair(EMPTY, ONE),
        new Pair(PAGE_MINUS_ONE, LARGE_PLUS_ONE),
        new Pair(PAGE, PAGE_PLUS_ONE),
        new Pair(PAGE_PLUS_ONE, PAGE),
        new Pair(BLOCK, LARGE_MINUS_ONE),
        new Pair(MAX_KEY, LARGE),
        new Pair(new Size("2 bytes", 2), PAGE_MINUS_ONE),
        new Pair(new Size("3 bytes", 3), BLOCK),
        new Pair(new Size("4 bytes", 4), MIB_PLUS),
        new Pair(new Size("5 bytes", 5), EMPTY));
  }

  /**
   * A key size and a value size.
   *
   * @param key the key's size
   * @param value the value's size
   */
  record Pair(Size key, Size value) {
    @Override
    public String toString() {
      return "key " + key + ", value " + value;
    }
  }

  /** {@code size} pseudo-random bytes drawn from {@code seed} and the size. */
  static byte[] bytes(long seed, int size) {
    return Bytes.random(seed * 1_000_003L + size, size);
  }
}
