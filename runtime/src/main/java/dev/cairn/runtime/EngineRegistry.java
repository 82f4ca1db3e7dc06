package dev.cairn.runtime;

import dev.cairn.runtime.database.DatabaseBuilder;
import dev.cairn.spi.ContractViolationException;
import dev.cairn.spi.EngineNotFoundException;
import dev.cairn.spi.IncompatibleVersionException;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.StorageEngineProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The engines the runtime can open stores with, found once and checked.
 *
 * <p>Immutable and thread-safe. Each provider is asked for its name, SPI version, version,
 * capabilities, settings and description exactly once, when the registry is built.
 *
 * <p><b>Bad providers.</b> Discovery never fails because of one provider: a provider that cannot be
 * loaded, whose name is invalid ({@link StorageEngineProvider#isValidName}), that was built against
 * another SPI major version or a newer SPI minor version than the runtime's, or whose describing
 * methods throw or return null is <em>refused</em>. A refused provider is left out of {@link
 * #list()}, listed by {@link #problems()}, and its reason is thrown when someone asks for its name
 * ({@link #info}, {@link #provider}, opening a store): {@link IncompatibleVersionException} for a
 * version mismatch (naming both versions), {@link ContractViolationException} otherwise (naming the
 * provider class). When two providers claim the same name, neither is used: asking for that name
 * fails naming both classes. {@link #requireNoProblems()} is the strict mode, for tools that want
 * any problem to be fatal.
 */
public final class EngineRegistry {

  /** Stop reading a ServiceLoader that keeps failing, rather than spin on a broken installation. */
  private static final int MAX_LOAD_FAILURES = 100;

  private final SortedMap<String, ProviderCheck.Accepted> engines;
  private final Map<String, Refusal> refusedByName;
  private final List<Refusal> problems;

  private EngineRegistry(List<StorageEngineProvider> providers, List<Refusal> loadFailures) {
    Map<String, List<Claim>> byName = new LinkedHashMap<>();
    List<Refusal> unnamed = new ArrayList<>(loadFailures);
    for (StorageEngineProvider p : providers) {
      Claim claim = new Claim(ProviderCheck.check(p), p.getClass().getName());
      String name =
          switch (claim.outcome()) {
            case ProviderCheck.Accepted a -> a.info().name();
            case Refusal r -> r.name();
          };
      if (name == null) {
        unnamed.add((Refusal) claim.outcome());
        continue;
      }
      List<Claim> claims = byName.computeIfAbsent(name, n -> new ArrayList<>());
      // NB: the same provider class found twice is one engine, not a duplicate.
      if (claims.stream().noneMatch(c -> c.type().equals(claim.type()))) {
        claims.add(claim);
      }
    }
    SortedMap<String, ProviderCheck.Accepted> accepted = new TreeMap<>();
    Map<String, Refusal> refused = new TreeMap<>();
    byName.forEach(
        (name, claims) -> {
          if (claims.size() > 1) {
            String classes = claims.stream().map(Claim::type).collect(Collectors.joining(", "));
            refused.put(
                name,
                Refusal.broken(
                    name,
                    "engine name '"
                        + name
                        + "' is claimed by "
                        + claims.size()
                        + " providers: "
                        + classes
                        + "; install only one of them",
                    null));
          } else if (claims.getFirst().outcome() instanceof ProviderCheck.Accepted a) {
            accepted.put(name, a);
          } else {
            refused.put(name, (Refusal) claims.getFirst().outcome());
          }
        });
    List<Refusal> all = new ArrayList<>(refused.values());
    all.addAll(unnamed);
    this.engines = Collections.unmodifiableSortedMap(accepted);
    this.refusedByName = Collections.unmodifiableMap(refused);
    this.problems = List.copyOf(all);
  }

  /**
   * The engines found by {@link ServiceLoader} through the thread's context class loader (or the
   * system class loader): providers in named modules on the module path and those listed in {@code
   * META-INF/services} on the class path. Never fails because of a bad provider; see the class
   * comment.
   */
  public static EngineRegistry discover() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return discover(loader != null ? loader : ClassLoader.getSystemClassLoader());
  }

  /**
   * The engines found by {@link ServiceLoader} through {@code loader}: providers in named modules
   * of layers whose class loaders are {@code loader} or its ancestors, then those listed in {@code
   * META-INF/services} resources visible to it.
   *
   * @throws InvalidArgumentException if {@code loader} is null
   */
  public static EngineRegistry discover(ClassLoader loader) {
    if (loader == null) {
      throw new InvalidArgumentException("class loader is null");
    }
    return load(ServiceLoader.load(StorageEngineProvider.class, loader));
  }

  /**
   * The engines provided by modules of {@code layer} and its parent layers (not the class path).
   *
   * @throws InvalidArgumentException if {@code layer} is null
   */
  public static EngineRegistry discover(ModuleLayer layer) {
    if (layer == null) {
      throw new InvalidArgumentException("module layer is null");
    }
    return load(ServiceLoader.load(layer, StorageEngineProvider.class));
  }

  /**
   * A registry of exactly these providers, checked as discovered ones are.
   *
   * @throws InvalidArgumentException if the collection is null or holds null
   */
  public static EngineRegistry of(Collection<? extends StorageEngineProvider> providers) {
    if (providers == null) {
      throw new InvalidArgumentException("providers is null");
    }
    List<StorageEngineProvider> list = new ArrayList<>();
    for (StorageEngineProvider p : providers) {
      if (p == null) {
        throw new InvalidArgumentException("providers holds null");
      }
      list.add(p);
    }
    return new EngineRegistry(list, List.of());
  }

  /** One provider's claim on a name. */
  private record Claim(ProviderCheck.Outcome outcome, String type) {}

  private static EngineRegistry load(ServiceLoader<StorageEngineProvider> loader) {
    List<StorageEngineProvider> found = new ArrayList<>();
    List<Refusal> failures = new ArrayList<>();
    Iterator<StorageEngineProvider> it = loader.iterator();
    // NB: after a ServiceConfigurationError the iterator makes a best effort to go on to the next
    // provider, so one broken provider does not hide the others.
    while (failures.size() < MAX_LOAD_FAILURES) {
      try {
        if (!it.hasNext()) {
          break;
        }
        found.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        failures.add(
            Refusal.broken(null, "an engine provider could not be loaded: " + e.getMessage(), e));
      }
    }
    return new EngineRegistry(found, failures);
  }

  /** The usable engines, sorted by name. */
  public List<EngineInfo> list() {
    return engines.values().stream().map(ProviderCheck.Accepted::info).toList();
  }

  /**
   * What engine {@code name} says about itself.
   *
   * @throws InvalidArgumentException if {@code name} is null
   * @throws EngineNotFoundException if no such engine is installed; the message lists those that
   *     are
   * @throws IncompatibleVersionException if the engine was built against another SPI major version
   *     or a newer minor one
   * @throws ContractViolationException if the engine's provider was refused for another reason, or
   *     two providers claim the name
   */
  public EngineInfo info(String name) {
    return accepted(name).info();
  }

  /**
   * The provider of engine {@code name}.
   *
   * @throws InvalidArgumentException if {@code name} is null
   * @throws EngineNotFoundException if no such engine is installed; the message lists those that
   *     are
   * @throws IncompatibleVersionException if the engine was built against another SPI major version
   *     or a newer minor one
   * @throws ContractViolationException if the engine's provider was refused for another reason, or
   *     two providers claim the name
   */
  public StorageEngineProvider provider(String name) {
    return accepted(name).provider();
  }

  private ProviderCheck.Accepted accepted(String name) {
    if (name == null) {
      throw new InvalidArgumentException("engine name is null");
    }
    ProviderCheck.Accepted a = engines.get(name);
    if (a != null) {
      return a;
    }
    Refusal r = refusedByName.get(name);
    if (r != null) {
      throw r.toException();
    }
    throw new EngineNotFoundException("no engine named '" + name + "' is installed; " + known());
  }

  /** "installed: [a, b]", with the refused names if any: for messages. */
  String known() {
    String s = engines.isEmpty() ? "no engines are installed" : "installed: " + engines.keySet();
    return problems.isEmpty() ? s : s + " (" + problems.size() + " refused; see problems())";
  }

  /**
   * One line for each provider that was found but refused, naming the provider and why; empty when
   * every provider found is usable.
   */
  public List<String> problems() {
    return problems.stream().map(Refusal::message).toList();
  }

  /**
   * Returns this registry when no provider was refused; the strict form of discovery.
   *
   * @throws IncompatibleVersionException if the first refused provider was built against another
   *     SPI major version or a newer minor one; the other refusals are attached as suppressed
   *     exceptions
   * @throws ContractViolationException if the first refused provider was refused for another
   *     reason; the other refusals are attached as suppressed exceptions
   */
  public EngineRegistry requireNoProblems() {
    if (problems.isEmpty()) {
      return this;
    }
    RuntimeException first = problems.getFirst().toException();
    problems.stream().skip(1).forEach(r -> first.addSuppressed(r.toException()));
    throw first;
  }

  /**
   * A builder for a store in {@code directory}.
   *
   * @throws InvalidArgumentException if {@code directory} is null
   */
  public StoreBuilder store(Path directory) {
    if (directory == null) {
      throw new InvalidArgumentException("directory is null");
    }
    return new StoreBuilder(this, directory);
  }

  /**
   * The engine recorded in {@code directory}'s store marker, which opening the store without naming
   * an engine uses; empty when there is no store marker there.
   *
   * @throws InvalidArgumentException if {@code directory} is null
   * @throws dev.cairn.spi.CorruptionException naming the marker when it is damaged
   * @throws dev.cairn.spi.StorageIOException if the file system fails, or {@code directory} is not
   *     a directory
   */
  public Optional<String> recordedEngine(Path directory) {
    if (directory == null) {
      throw new InvalidArgumentException("directory is null");
    }
    return StoreMarker.read(directory);
  }

  /**
   * A builder for the database in {@code directory}, whose stores are opened with this registry's
   * engines ({@link Cairn#database(Path)} uses the installed ones).
   *
   * @throws InvalidArgumentException if {@code directory} is null
   * @since 1.2
   */
  public DatabaseBuilder database(Path directory) {
    if (directory == null) {
      throw new InvalidArgumentException("database directory is null");
    }
    return new DatabaseBuilder(new RegistryStoreOpener(this), directory);
  }

  /** A builder for a store without a directory, for engines that are not durable. */
  public StoreBuilder store() {
    return new StoreBuilder(this, null);
  }

  @Override
  public String toString() {
    return "EngineRegistry[" + engines.keySet() + ", " + problems.size() + " refused]";
  }
}
