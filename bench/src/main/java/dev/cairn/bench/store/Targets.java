package dev.cairn.bench.store;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.StorageEngineProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The targets a benchmark can measure: every Cairn engine found by {@link ServiceLoader} and the
 * bench-only peers. Thread-safe (immutable after construction).
 */
public final class Targets {

  private final Map<String, Target> engines = new LinkedHashMap<>();
  private final Map<String, Target> peers = new LinkedHashMap<>();

  private Targets() {}

  /** Discovers the engines on the module path (and class path) and adds the peers. */
  public static Targets discover() {
    List<StorageEngineProvider> found = new ArrayList<>();
    ServiceLoader.load(StorageEngineProvider.class).forEach(found::add);
    return of(found, Peers.all());
  }

  /** Targets from explicit providers and peers; for tests. */
  public static Targets of(List<StorageEngineProvider> providers, List<Target> peers) {
    Targets t = new Targets();
    providers.stream()
        .sorted(Comparator.comparing(StorageEngineProvider::name))
        .forEach(p -> t.engines.put(p.name(), engineTarget(p)));
    peers.forEach(p -> t.peers.put(p.name(), p));
    return t;
  }

  private static Target engineTarget(StorageEngineProvider p) {
    boolean durable = p.capabilities().contains(Capability.DURABLE);
    boolean ordered = p.capabilities().contains(Capability.ORDERED_SCANS);
    String durability =
        durable
            ? "SYNC: fsync before the write returns; BUFFERED: the OS has the bytes (Cairn SPI)"
            : "in memory: nothing survives close; SYNC and BUFFERED are the same";
    if (!ordered) {
      durability += "; no ordered scans: seekrandom and ycsb-e are not run on it";
    }
    return new Target(
        p.name(),
        "engine",
        p.version(),
        durability,
        (dir, spec) ->
            new EngineStore(
                p.open(
                    EngineOptions.builder()
                        .directory(dir)
                        .defaultDurability(spec.durability())
                        .build()),
                ordered,
                durable));
  }

  /** The Cairn engines, by name. */
  public List<Target> engines() {
    return List.copyOf(engines.values());
  }

  /** The peers, by name. */
  public List<Target> peers() {
    return List.copyOf(peers.values());
  }

  /**
   * The target called {@code name}.
   *
   * @throws IllegalArgumentException naming the known engines and peers when none is called so
   */
  public Target resolve(String name) {
    Target t = engines.containsKey(name) ? engines.get(name) : peers.get(name);
    if (t == null) {
      throw new IllegalArgumentException(
          "unknown engine or peer '"
              + name
              + "'; engines: "
              + (engines.isEmpty() ? "none found on the module path" : engines.keySet())
              + ", peers: "
              + peers.keySet());
    }
    return t;
  }
}
