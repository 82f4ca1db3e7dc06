package dev.cairn.spi;

/**
 * A version of this SPI, following semantic versioning.
 *
 * <p>A provider reports the version it was compiled against; the runtime refuses a provider whose
 * {@linkplain #major() major} version differs from its own, and accepts any minor version (a newer
 * minor adds only optional methods with defaults, an older one lacks them).
 *
 * @param major incremented on any incompatible change of the contract
 * @param minor incremented on compatible additions
 */
public record SpiVersion(int major, int minor) implements Comparable<SpiVersion> {

  /** The version of the SPI in this module. */
  public static final SpiVersion CURRENT = new SpiVersion(1, 0);

  /**
   * @throws InvalidArgumentException if either part is negative
   */
  public SpiVersion {
    if (major < 0 || minor < 0) {
      throw new InvalidArgumentException(
          "SPI version parts must be >= 0, got " + major + "." + minor);
    }
  }

  /**
   * Parses {@code "MAJOR.MINOR"}.
   *
   * @throws InvalidArgumentException if the text is not two non-negative integers joined by a dot
   */
  public static SpiVersion parse(String text) {
    if (text == null) {
      throw new InvalidArgumentException("SPI version text is null");
    }
    String[] parts = text.trim().split("\\.", -1);
    if (parts.length != 2) {
      throw new InvalidArgumentException("not an SPI version (MAJOR.MINOR): '" + text + "'");
    }
    try {
      return new SpiVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException("not an SPI version (MAJOR.MINOR): '" + text + "'", e);
    }
  }

  /** True when a provider built against {@code other} can be used with this version. */
  public boolean isCompatibleWith(SpiVersion other) {
    return other != null && other.major == major;
  }

  @Override
  public int compareTo(SpiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
