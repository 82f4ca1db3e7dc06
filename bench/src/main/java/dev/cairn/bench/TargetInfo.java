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
 */
public record TargetInfo(
    String name, String kind, String version, String durability, String memory) {}
