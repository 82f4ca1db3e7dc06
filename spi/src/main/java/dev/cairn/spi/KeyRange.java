package dev.cairn.spi;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A range of keys with optional lower and upper bounds, each inclusive or exclusive.
 *
 * <p>Immutable; the bound keys are copied on construction. A range whose lower bound orders after
 * its upper bound is rejected; a range that is empty because both bounds are the same key and one
 * is exclusive is valid and contains nothing.
 *
 * @param lower the lower bound, or null for none
 * @param upper the upper bound, or null for none
 */
public record KeyRange(Bound lower, Bound upper) {

  private static final KeyRange ALL = new KeyRange(null, null);

  /**
   * One end of a range.
   *
   * @param key the bounding key (copied)
   * @param inclusive whether the key itself belongs to the range
   */
  public record Bound(byte[] key, boolean inclusive) {
    /**
     * @throws InvalidArgumentException if {@code key} is null or too long
     */
    public Bound {
      key = Limits.checkKey(key).clone();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bound b && b.inclusive == inclusive && Arrays.equals(b.key, key);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key) * 31 + Boolean.hashCode(inclusive);
    }

    @Override
    public String toString() {
      return (inclusive ? "incl " : "excl ") + HexFormat.of().formatHex(key);
    }
  }

  /**
   * @throws InvalidArgumentException if the lower bound orders after the upper bound
   */
  public KeyRange {
    if (lower != null && upper != null) {
      int c = Arrays.compareUnsigned(lower.key, upper.key);
      if (c > 0) {
        throw new InvalidArgumentException(
            "range lower bound " + lower + " orders after upper bound " + upper);
      }
    }
  }

  /** Every key. */
  public static KeyRange all() {
    return ALL;
  }

  /** Keys from {@code lower} (inclusive) to {@code upper} (exclusive). */
  public static KeyRange between(byte[] lower, byte[] upper) {
    return new KeyRange(new Bound(lower, true), new Bound(upper, false));
  }

  /** Keys at or after {@code lower}. */
  public static KeyRange atLeast(byte[] lower) {
    return new KeyRange(new Bound(lower, true), null);
  }

  /** Keys strictly after {@code lower}. */
  public static KeyRange greaterThan(byte[] lower) {
    return new KeyRange(new Bound(lower, false), null);
  }

  /** Keys strictly before {@code upper}. */
  public static KeyRange lessThan(byte[] upper) {
    return new KeyRange(null, new Bound(upper, false));
  }

  /** Keys at or before {@code upper}. */
  public static KeyRange atMost(byte[] upper) {
    return new KeyRange(null, new Bound(upper, true));
  }

  /** Keys that start with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    Limits.checkKey(prefix);
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return new KeyRange(new Bound(prefix, true), new Bound(Arrays.copyOf(end, i + 1), false));
      }
    }
    return new KeyRange(new Bound(prefix, true), null); // all 0xFF (or empty): no upper bound
  }

  /** True when the range holds no key below {@code key}'s position, that is key is not too low. */
  public boolean isAboveLower(byte[] key) {
    if (lower == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(key, lower.key);
    return lower.inclusive ? c >= 0 : c > 0;
  }

  /** True when {@code key} is not beyond the upper bound. */
  public boolean isBelowUpper(byte[] key) {
    if (upper == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(key, upper.key);
    return upper.inclusive ? c <= 0 : c < 0;
  }

  /** True when {@code key} lies in this range. */
  public boolean contains(byte[] key) {
    return isAboveLower(key) && isBelowUpper(key);
  }

  /** True for the range of every key. */
  public boolean isAll() {
    return lower == null && upper == null;
  }

  @Override
  public String toString() {
    return (lower == null ? "(-inf" : (lower.inclusive ? "[" : "(") + hex(lower.key))
        + ", "
        + (upper == null ? "+inf)" : hex(upper.key) + (upper.inclusive ? "]" : ")"));
  }

  private static String hex(byte[] key) {
    return HexFormat.of().formatHex(key);
  }
}
