package dev.cairn.spi;

/**
 * A precondition of a {@link WriteBatch} did not hold: the key's value was not the one required, or
 * the key was present where it had to be absent. Nothing of the batch was applied. The message
 * names the keyspace and key; so do {@link #keyspace()} and {@link #key()}.
 *
 * @since 1.1
 */
public final class ConflictException extends StorageException {

  private static final long serialVersionUID = 1L;

  private final String keyspace;
  private final byte[] key;

  /**
   * Creates the exception for the first precondition of a batch that failed.
   *
   * @param keyspace the keyspace of the key
   * @param key the key whose precondition failed
   * @param message what was required and what was found
   */
  public ConflictException(String keyspace, byte[] key, String message) {
    super(message);
    this.keyspace = keyspace;
    this.key = key == null ? null : key.clone();
  }

  /**
   * Creates the exception for a failed {@link WriteBatch.Precondition}, with a message naming it.
   *
   * @since 1.1
   */
  public static ConflictException of(WriteBatch.Precondition failed) {
    return new ConflictException(
        failed.keyspace(),
        failed.key(),
        "precondition failed: key "
            + hex(failed.key())
            + (Keyspace.DEFAULT.equals(failed.keyspace())
                ? ""
                : " in keyspace '" + failed.keyspace() + "'")
            + (failed.expected() == null ? " is present" : " does not hold the expected value")
            + "; nothing of the batch was applied");
  }

  private static String hex(byte[] key) {
    int shown = Math.min(key.length, 64);
    return java.util.HexFormat.of().formatHex(key, 0, shown)
        + (shown < key.length ? "... (" + key.length + " bytes)" : "");
  }

  /** The keyspace of the key whose precondition failed. */
  public String keyspace() {
    return keyspace;
  }

  /** The key whose precondition failed; a copy. */
  public byte[] key() {
    return key == null ? null : key.clone();
  }
}
