package dev.cairn.conformance.crash;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The knobs of a crash campaign, from JUnit configuration parameters or system properties.
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

  /** The trial multiplier's parameter name. */
  public static final String SCALE = "cairn.crash.scale";

  /** The replayed trial's parameter name. */
  public static final String SEED = "cairn.crash.seed";

  /** The base seed's parameter name. */
  public static final String BASE_SEED = "cairn.crash.baseSeed";

  /**
   * The settings from system properties.
   *
   * @throws IllegalArgumentException if a property is not a number
   */
  public static CrashSettings fromSystemProperties() {
    return from(name -> Optional.ofNullable(System.getProperty(name)));
  }

  /**
   * The settings from {@code parameters}, which maps a parameter name to its value if set (JUnit's
   * configuration parameters, which fall back to system properties, for example).
   *
   * @throws IllegalArgumentException naming the parameter if a value is not a number
   */
  public static CrashSettings from(Function<String, Optional<String>> parameters) {
    OptionalLong scale = number(parameters, SCALE);
    OptionalLong seed = number(parameters, SEED);
    OptionalLong base = number(parameters, BASE_SEED);
    return new CrashSettings(
        Math.clamp(scale.orElse(1), 1, 1_000_000),
        seed,
        base.isPresent() ? base.getAsLong() : System.nanoTime());
  }

  private static OptionalLong number(Function<String, Optional<String>> parameters, String name) {
    Optional<String> v = parameters.apply(name).map(String::trim).filter(s -> !s.isEmpty());
    if (v.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(v.get()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not '" + v.get() + "'", e);
    }
  }

  /** Settings for trials drawn from {@code baseSeed}, no replay, scale 1. */
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
