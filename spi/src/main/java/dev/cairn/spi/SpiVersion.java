package dev.cairn.spi;

/**
 * A version of this SPI, following semantic versioning.
 *
 * <p>A provider reports the version it was <em>compiled</em> against, by returning {@code new
 * SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR)}: {@link #MAJOR} and {@link #MINOR} are
 * compile-time constants, which javac copies into the provider's class file, so the figures stay
 * those of the SPI the provider was built with whatever SPI jar is present at run time. The runtime
 * refuses a provider whose major version differs from its own, and one whose minor version is newer
 * than its own (it may call methods this SPI does not have); an older minor is accepted (a minor
 * version adds only members with defaults, see {@code docs/decisions/0015-api-versioning.md}).
 *
 * @param major incremented on any incompatible change of the contract
 * @param minor incremented on compatible additions
 */
public record SpiVersion(int major, int minor) implements Comparable<SpiVersion> {

  /**
   * The major version of the SPI in this module, a compile-time constant.
   *
   * @since 1.1
   */
  public static final int MAJOR = 1;

  /**
   * The minor version of the SPI in this module, a compile-time constant.
   *
   * @since 1.1
   */
  public static final int MINOR = 2;

  /**
   * The version of the SPI present at run time. Not a compile-time constant: a provider returns
   * {@code new SpiVersion(SpiVersion.MAJOR, SpiVersion.MINOR)} instead, which records the version
   * it was compiled against.
   */
  public static final SpiVersion CURRENT = new SpiVersion(MAJOR, MINOR);

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

  /**
   * True when a provider compiled against {@code other} can be used with this version: the same
   * major version, and a minor version no newer than this one.
   */
  public boolean isCompatibleWith(SpiVersion other) {
    return other != null && other.major == major && other.minor <= minor;
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
