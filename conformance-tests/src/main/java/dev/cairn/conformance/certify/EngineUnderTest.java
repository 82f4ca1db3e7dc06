package dev.cairn.conformance.certify;

import dev.cairn.spi.StorageEngineProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The engine a report certifies: what its provider says of itself, and the artifact it was loaded
 * from.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the provider's name
 * @param version the engine's own version
 * @param spiVersion the SPI version the engine was built against
 * @param provider the provider's class name
 * @param module the provider's module, when it is in a named module (an automatic module for a
 *     plain jar on a module path); empty on the class path
 * @param artifact the jar (with its SHA-256) or directory the provider was loaded from
 */
public record EngineUnderTest(
    String name,
    String version,
    String spiVersion,
    String provider,
    Optional<String> module,
    Artifact artifact) {

  /** Describes {@code p}, hashing the jar it was loaded from. */
  public static EngineUnderTest of(StorageEngineProvider p) {
    Module m = p.getClass().getModule();
    return new EngineUnderTest(
        p.name(),
        p.version(),
        String.valueOf(p.spiVersion()),
        p.getClass().getName(),
        m.isNamed() ? Optional.of(m.getName()) : Optional.empty(),
        Artifact.of(p.getClass()));
  }

  /** As the report's JSON writes it. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("version", version);
    m.put("spiVersion", spiVersion);
    m.put("provider", provider);
    m.put("module", module.orElse(null));
    m.putAll(artifact.toMap());
    return m;
  }
}
