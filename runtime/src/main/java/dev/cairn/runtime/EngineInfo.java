package dev.cairn.runtime;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.SpiVersion;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an installed engine says about itself, read once from its provider when the registry was
 * built.
 *
 * <p>Immutable; the collections are unmodifiable copies.
 *
 * @param name the provider's name ({@code "lsm"})
 * @param version the engine's own version, for reports
 * @param spiVersion the SPI version the provider was built against (same major as the runtime's,
 *     minor no newer)
 * @param capabilities the optional parts of the contract it supports
 * @param settings the engine-specific settings it accepts
 * @param description one line on what the engine is for
 */
public record EngineInfo(
    String name,
    String version,
    SpiVersion spiVersion,
    Set<Capability> capabilities,
    List<EngineSetting> settings,
    String description) {

  /**
   * @throws InvalidArgumentException if a component is null or a collection holds null
   */
  public EngineInfo {
    if (name == null
        || version == null
        || spiVersion == null
        || capabilities == null
        || settings == null
        || description == null) {
      throw new InvalidArgumentException("every component of an engine description is required");
    }
    // NB: Set.of(...).contains(null) throws, so look for nulls by iterating.
    if (capabilities.stream().anyMatch(c -> c == null)
        || settings.stream().anyMatch(s -> s == null)) {
      throw new InvalidArgumentException(
          "engine '" + name + "' lists a null capability or setting");
    }
    capabilities =
        capabilities.isEmpty()
            ? Set.of()
            : java.util.Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
    settings = List.copyOf(settings);
  }

  /** True when the engine declares {@code capability}. */
  public boolean has(Capability capability) {
    return capabilities.contains(capability);
  }
}
