package dev.cairn.spi;

/**
 * Size limits every engine accepts, and the runtime enforces before an engine sees a call.
 *
 * <p>Exceeding a limit throws {@link InvalidArgumentException} naming the limit and the size, and
 * changes nothing. An engine may not impose smaller limits; it may accept larger ones when called
 * directly, but the runtime never passes them.
 */
public final class Limits {

  /** Largest key, in bytes: 65,535 (a key's length fits two bytes in every format). */
  public static final int MAX_KEY_SIZE = 65_535;

  /** Largest value, in bytes: 16 MiB. */
  public static final int MAX_VALUE_SIZE = 16 * 1024 * 1024;

  /** Largest write batch, in operations: 1,000,000. */
  public static final int MAX_BATCH_OPERATIONS = 1_000_000;

  /** Largest write batch, in bytes of keys and values together: 64 MiB. */
  public static final long MAX_BATCH_BYTES = 64L * 1024 * 1024;

  private Limits() {}

  /**
   * @throws InvalidArgumentException if {@code key} is null or longer than {@link #MAX_KEY_SIZE}
   */
  public static byte[] checkKey(byte[] key) {
    if (key == null) {
      throw new InvalidArgumentException("key is null");
    }
    if (key.length > MAX_KEY_SIZE) {
      throw new InvalidArgumentException(
          "key of " + key.length + " bytes exceeds the limit of " + MAX_KEY_SIZE + " bytes");
    }
    return key;
  }

  /**
   * @throws InvalidArgumentException if {@code value} is null or longer than {@link
   *     #MAX_VALUE_SIZE}
   */
  public static byte[] checkValue(byte[] value) {
    if (value == null) {
      throw new InvalidArgumentException("value is null (delete a key with delete)");
    }
    if (value.length > MAX_VALUE_SIZE) {
      throw new InvalidArgumentException(
          "value of " + value.length + " bytes exceeds the limit of " + MAX_VALUE_SIZE + " bytes");
    }
    return value;
  }
}
