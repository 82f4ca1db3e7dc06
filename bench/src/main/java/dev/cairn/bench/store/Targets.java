package dev.cairn.bench.store;

import dev.cairn.spi.Capability;
import dev.cairn.spi.EngineOptions;
import dev.cairn.spi.EngineSetting;
import dev.cairn.spi.StorageEngineProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The targets a benchmark can measure: every Cairn engine found by {@link ServiceLoader} and the
 * bench-only peers. Thread-safe (immutable after construction).
 */
public final class Targets {

  /** How an engine's cache size setting is named, or ends; see {@link #cacheSetting}. */
  static final String CACHE_SIZE = "cache.size";

  private final Map<String, Target> engines = new LinkedHashMap<>();
  private final Map<String, Target> peers = new LinkedHashMap<>();
  private final Map<String, StorageEngineProvider> providers = new LinkedHashMap<>();

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
        .forEach(
            p -> {
              t.engines.put(p.name(), engineTarget(p));
              t.providers.put(p.name(), p);
            });
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
    Optional<EngineSetting> cache = cacheSetting(p);
    return new Target(
        p.name(),
        "engine",
        p.version(),
        durability,
        spec -> engineMemory(cache, durable, spec),
        (dir, spec) -> {
          ForceRecorder forces = new ForceRecorder();
          EngineOptions.Builder options =
              EngineOptions.builder()
                  .directory(dir)
                  .defaultDurability(spec.durability())
                  .eventListener(forces);
          if (cache.isPresent() && spec.cacheSet()) {
            options.setting(cache.get().name(), Long.toString(spec.cacheBytes()));
          }
          declared(p, spec).forEach(options::setting);
          return new EngineStore(p.open(options.build()), ordered, durable, forces);
        },
        spec -> engineSettings(p, spec));
  }

  /** The engine setting that names how an engine compresses its data, when it has one. */
  static final String COMPRESSION = "compression";

  /** Of the run's {@link StoreSpec#settings}, those {@code p} declares, in name order. */
  static Map<String, String> declared(StorageEngineProvider p, StoreSpec spec) {
    Map<String, String> out = new TreeMap<>();
    for (EngineSetting s : p.settings()) {
      String v = spec.settings().get(s.name());
      if (v != null) {
        out.put(s.name(), v);
      }
    }
    return out;
  }

  /**
   * One line: the settings a run gives the engine, and its compression when the engine has a
   * {@value #COMPRESSION} setting the run leaves at its default (so a comparison shows it).
   */
  private static String engineSettings(StorageEngineProvider p, StoreSpec spec) {
    List<String> parts = new ArrayList<>();
    declared(p, spec).forEach((k, v) -> parts.add(k + " = " + v + " (--setting)"));
    p.settings().stream()
        .filter(s -> s.name().equals(COMPRESSION) && !spec.settings().containsKey(COMPRESSION))
        .findFirst()
        .ifPresent(s -> parts.add(COMPRESSION + " = " + s.defaultValue() + " (its default)"));
    return parts.isEmpty() ? "its defaults" : String.join("; ", parts);
  }

  /**
   * Checks the run's engine settings against the chosen targets: each must be declared by at least
   * one chosen engine, and its value valid for every engine that declares it.
   *
   * @throws IllegalArgumentException naming the setting, the value and what is wrong
   */
  public void checkSettings(List<Target> chosen, Map<String, String> settings) {
    for (Map.Entry<String, String> e : settings.entrySet()) {
      boolean someone = false;
      for (Target t : chosen) {
        StorageEngineProvider p = providers.get(t.name());
        if (p == null) {
          continue;
        }
        for (EngineSetting s : p.settings()) {
          if (s.name().equals(e.getKey())) {
            someone = true;
            try {
              s.parse(e.getValue());
            } catch (RuntimeException bad) {
              throw new IllegalArgumentException(
                  "--setting "
                      + e.getKey()
                      + "="
                      + e.getValue()
                      + " does not suit engine "
                      + p.name()
                      + ": "
                      + bad.getMessage(),
                  bad);
            }
          }
        }
      }
      if (!someone) {
        throw new IllegalArgumentException(
            "--setting "
                + e.getKey()
                + ": no engine of the run declares a setting of that name ('cairn engines'"
                + " lists each engine's settings)");
      }
    }
  }

  /**
   * The engine's cache size setting, if it has one: the standard {@link EngineSetting#CACHE_SIZE}
   * wherever the engine lists it, else the first setting named ending in {@code .cache.size} or
   * {@code -cache.size} (a name from before SPI 1.1). A bench run gives it the run's cache size.
   */
  static Optional<EngineSetting> cacheSetting(StorageEngineProvider p) {
    Optional<EngineSetting> standard =
        p.settings().stream().filter(s -> s.name().equals(EngineSetting.CACHE_SIZE)).findFirst();
    if (standard.isPresent()) {
      return standard;
    }
    return p.settings().stream()
        .filter(s -> s.name().endsWith("." + CACHE_SIZE) || s.name().endsWith("-" + CACHE_SIZE))
        .findFirst();
  }

  private static String engineMemory(
      Optional<EngineSetting> cache, boolean durable, StoreSpec spec) {
    if (cache.isPresent()) {
      String name = cache.get().name();
      return spec.cacheSet()
          ? name + " = " + Target.mib(spec.cacheBytes()) + " (the run's cache size)"
          : name + " at the engine's default (" + cache.get().defaultValue() + ")";
    }
    return durable
        ? "no cache setting: the run's cache size does not apply; what the engine reports holding"
            + " is under memory, and the file pages it reads or maps are the OS page cache's"
        : "in memory: holds every record on the Java heap";
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
