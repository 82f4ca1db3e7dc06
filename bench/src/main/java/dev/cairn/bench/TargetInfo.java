package dev.cairn.bench;

/**
 * A measured target as it is reported.
 *
 * @param name the engine or peer name
 * @param kind {@code "engine"} or {@code "peer"}
 * @param version its version
 * @param durability how SYNC and BUFFERED map onto it
 * @param memory its cache in this run (the run's cache size, or its own default), or why it has
 *     none
 * @param settings how it is configured beyond its memory: settings the run gave it, its compression
 */
public record TargetInfo(
    String name, String kind, String version, String durability, String memory, String settings) {

  /** A target reported without a settings line (its defaults). */
  public TargetInfo(String name, String kind, String version, String durability, String memory) {
    this(name, kind, version, durability, memory, "its defaults");
  }
}
