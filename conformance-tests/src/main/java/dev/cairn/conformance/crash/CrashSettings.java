package dev.cairn.conformance.crash;

import java.util.OptionalLong;

/**
 * The knobs of a crash campaign, from system properties.
 *
 * <ul>
 *   <li>{@code cairn.crash.scale} (default 1): multiplies every trial count; the {@code stress}
 *       profile sets 100;
 *   <li>{@code cairn.crash.seed}: replays the one trial with that seed, and nothing else;
 *   <li>{@code cairn.crash.baseSeed}: the seed trial seeds are drawn from (default: random, printed
 *       in the report).
 * </ul>
 *
 * @param scale the trial multiplier, at least 1
 * @param replaySeed the single trial to replay, if any
 * @param baseSeed where trial seeds start
 */
public record CrashSettings(int scale, OptionalLong replaySeed, long baseSeed) {

  /**
   * The settings from system properties.
   *
   * @throws IllegalArgumentException if a property is not a number
   */
  public static CrashSettings fromSystemProperties() {
    int scale = Integer.parseInt(System.getProperty("cairn.crash.scale", "1").trim());
    String seed = System.getProperty("cairn.crash.seed");
    String base = System.getProperty("cairn.crash.baseSeed");
    return new CrashSettings(
        Math.max(1, scale),
        seed == null || seed.isBlank()
            ? OptionalLong.empty()
            : OptionalLong.of(Long.parseLong(seed.trim())),
        base == null || base.isBlank() ? System.nanoTime() : Long.parseLong(base.trim()));
  }

  /** Settings for {@code trials} trials from {@code baseSeed}, no replay, scale 1. */
  public static CrashSettings of(long baseSeed) {
    return new CrashSettings(1, OptionalLong.empty(), baseSeed);
  }

  /** The seed of trial {@code i}. */
  long trialSeed(int i) {
    long z = baseSeed + 0x9E3779B97F4A7C15L * (i + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) & Long.MAX_VALUE;
  }
}
