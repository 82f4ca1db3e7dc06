package dev.cairn.runtime.database;

import dev.cairn.spi.Keyspace;
import dev.cairn.spi.StorageEngineProvider;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a database's catalog file holds: its stores, the keyspaces named on them, and the stores or
 * engine keyspaces retired but not yet deleted. Immutable; every change makes a new catalog of the
 * next generation, which {@link CatalogFile} writes in place of the old one.
 *
 * <p>Design. The catalog is the one truth of what a database holds: a keyspace exists when the
 * catalog names it, whatever directories or engine keyspaces lie around. Every change writes the
 * whole catalog atomically, so a crash leaves the old catalog or the new one. Store directories are
 * named {@code <label>-<n>} with {@code n} from a counter that only grows, and a name is never
 * reused, so a directory left by a crashed change is never mistaken for a later store's.
 *
 * @param generation how many times the catalog was written; 1 for a new database
 * @param nextNumber the number the next store directory's name gets
 * @param stores every store in use, in order of creation
 * @param keyspaces every keyspace, sorted by name
 * @param retired stores and engine keyspaces no keyspace uses any more, kept until retired
 */
record Catalog(
    long generation,
    int nextNumber,
    List<Store> stores,
    List<Named> keyspaces,
    List<Retired> retired) {

  /** The keyspace an owned store's data lives in. */
  static final String OWNED = Keyspace.DEFAULT;

  /**
   * A store in use.
   *
   * @param directory its directory's name, inside the database's directory
   * @param engine the engine that opens it
   * @param shared the name under which keyspaces are added to it, or "" for a store that one
   *     keyspace owns
   * @param settings the engine settings it is opened with
   */
  record Store(String directory, String engine, String shared, Map<String, String> settings) {
    Store {
      settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
    }

    boolean isShared() {
      return !shared.isEmpty();
    }
  }

  /**
   * A keyspace of the database.
   *
   * @param name its name
   * @param store the directory name of its store
   * @param engineKeyspace the engine keyspace of the store that holds its data ({@link #OWNED} in a
   *     store it owns)
   */
  record Named(String name, String store, String engineKeyspace) {}

  /**
   * What a keyspace was on before a cut-over or a drop, kept until it is retired.
   *
   * @param keyspace the keyspace it belonged to
   * @param store the store's directory name
   * @param engine the store's engine
   * @param engineKeyspace the engine keyspace in a shared store, or "" for the whole store
   */
  record Retired(String keyspace, String store, String engine, String engineKeyspace) {
    boolean wholeStore() {
      return engineKeyspace.isEmpty();
    }
  }

  Catalog {
    stores = List.copyOf(stores);
    keyspaces = keyspaces.stream().sorted(java.util.Comparator.comparing(Named::name)).toList();
    retired = List.copyOf(retired);
  }

  /** The catalog of a new, empty database. */
  static Catalog empty() {
    return new Catalog(1, 1, List.of(), List.of(), List.of());
  }

  Optional<Named> keyspace(String name) {
    return keyspaces.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  Optional<Store> store(String directory) {
    return stores.stream().filter(s -> s.directory().equals(directory)).findFirst();
  }

  Optional<Store> sharedStore(String shared) {
    return stores.stream().filter(s -> s.shared().equals(shared)).findFirst();
  }

  /** Every directory name the catalog uses, in use or retired. */
  Set<String> directories() {
    Set<String> names = new HashSet<>();
    stores.forEach(s -> names.add(s.directory()));
    retired.forEach(r -> names.add(r.store()));
    return names;
  }

  /** The next catalog: one more generation, with these parts. */
  Catalog next(int nextNumber, List<Store> stores, List<Named> keyspaces, List<Retired> retired) {
    return new Catalog(generation + 1, nextNumber, stores, keyspaces, retired);
  }

  /** This catalog with {@code store} added (if new) and keyspace {@code named} added. */
  Catalog withKeyspace(Store store, Named named, int nextNumber) {
    List<Store> s = new ArrayList<>(stores);
    if (store(store.directory()).isEmpty()) {
      s.add(store);
    }
    List<Named> k = new ArrayList<>(keyspaces);
    k.add(named);
    return next(nextNumber, s, k, retired);
  }

  /** This catalog with a shared store added, no keyspace on it yet. */
  Catalog withStore(Store store, int nextNumber) {
    List<Store> s = new ArrayList<>(stores);
    s.add(store);
    return next(nextNumber, s, keyspaces, retired);
  }

  /**
   * This catalog without keyspace {@code name}, whose former place is retired: its store if it
   * owned one, else its engine keyspace.
   */
  Catalog withoutKeyspace(String name) {
    Named named = keyspace(name).orElseThrow();
    Store store = store(named.store()).orElseThrow();
    List<Named> k = new ArrayList<>(keyspaces);
    k.remove(named);
    List<Store> s = new ArrayList<>(stores);
    List<Retired> r = new ArrayList<>(retired);
    r.add(retiredPlace(named, store));
    if (!store.isShared()) {
      s.remove(store);
    }
    return next(nextNumber, s, k, r);
  }

  /**
   * This catalog with keyspace {@code name} moved to {@code target} (an owned store new to the
   * catalog), its former place retired.
   */
  Catalog withCutOver(String name, Store target, int nextNumber) {
    Named named = keyspace(name).orElseThrow();
    Store old = store(named.store()).orElseThrow();
    List<Store> s = new ArrayList<>(stores);
    if (!old.isShared()) {
      s.remove(old);
    }
    s.add(target);
    List<Named> k = new ArrayList<>(keyspaces);
    k.remove(named);
    k.add(new Named(name, target.directory(), OWNED));
    List<Retired> r = new ArrayList<>(retired);
    r.add(retiredPlace(named, old));
    return next(nextNumber, s, k, r);
  }

  /** This catalog without the retired entry {@code entry}. */
  Catalog withoutRetired(Retired entry) {
    List<Retired> r = new ArrayList<>(retired);
    r.remove(entry);
    return next(nextNumber, stores, keyspaces, r);
  }

  private static Retired retiredPlace(Named named, Store store) {
    return new Retired(
        named.name(),
        store.directory(),
        store.engine(),
        store.isShared() ? named.engineKeyspace() : "");
  }

  /**
   * What is wrong with this catalog, or null when nothing is: every name valid, no name used twice,
   * every keyspace on a store of the catalog, every owned store owned by exactly one keyspace.
   */
  String problem() {
    if (generation < 1) {
      return "generation " + generation + " is not positive";
    }
    if (nextNumber < 1) {
      return "next store number " + nextNumber + " is not positive";
    }
    Map<String, Store> byDirectory = new HashMap<>();
    Set<String> sharedNames = new HashSet<>();
    for (Store s : stores) {
      String p = checkDirectory(s.directory());
      if (p != null) {
        return p;
      }
      if (byDirectory.put(s.directory(), s) != null) {
        return "store directory '" + s.directory() + "' is listed twice";
      }
      if (!StorageEngineProvider.isValidName(s.engine())) {
        return "store '" + s.directory() + "' names an invalid engine '" + s.engine() + "'";
      }
      if (s.isShared()
          && (!Keyspace.NAME.matcher(s.shared()).matches() || !sharedNames.add(s.shared()))) {
        return "shared store name '" + s.shared() + "' is invalid or listed twice";
      }
      for (Map.Entry<String, String> e : s.settings().entrySet()) {
        if (e.getKey().isEmpty()) {
          return "store '" + s.directory() + "' has a setting with an empty name";
        }
      }
    }
    Map<String, Integer> owners = new HashMap<>();
    Set<String> names = new HashSet<>();
    Set<String> placed = new HashSet<>();
    for (Named k : keyspaces) {
      if (!Keyspace.NAME.matcher(k.name()).matches()) {
        return "keyspace name '" + k.name() + "' is invalid";
      }
      if (!names.add(k.name())) {
        return "keyspace '" + k.name() + "' is listed twice";
      }
      Store s = byDirectory.get(k.store());
      if (s == null) {
        return "keyspace '" + k.name() + "' is on store '" + k.store() + "', which is not listed";
      }
      if (!Keyspace.NAME.matcher(k.engineKeyspace()).matches()) {
        return "keyspace '" + k.name() + "' names an invalid engine keyspace";
      }
      if (s.isShared() == k.engineKeyspace().equals(OWNED)) {
        return "keyspace '"
            + k.name()
            + "' is in engine keyspace '"
            + k.engineKeyspace()
            + "' of "
            + (s.isShared() ? "shared" : "owned")
            + " store '"
            + s.directory()
            + "'";
      }
      if (!placed.add(k.store() + "/" + k.engineKeyspace())) {
        return "engine keyspace '"
            + k.engineKeyspace()
            + "' of store '"
            + k.store()
            + "' is used twice";
      }
      owners.merge(k.store(), 1, Integer::sum);
    }
    for (Store s : stores) {
      if (!s.isShared() && owners.getOrDefault(s.directory(), 0) != 1) {
        return "owned store '"
            + s.directory()
            + "' is used by "
            + owners.getOrDefault(s.directory(), 0)
            + " keyspaces, not 1";
      }
    }
    Set<String> retiredPlaces = new HashSet<>();
    for (Retired r : retired) {
      String p = checkDirectory(r.store());
      if (p != null) {
        return p;
      }
      if (!StorageEngineProvider.isValidName(r.engine())
          || !Keyspace.NAME.matcher(r.keyspace()).matches()) {
        return "retired store '" + r.store() + "' has an invalid engine or keyspace name";
      }
      if (r.wholeStore() && byDirectory.containsKey(r.store())) {
        return "store '" + r.store() + "' is both in use and retired";
      }
      if (!r.wholeStore() && !byDirectory.containsKey(r.store())) {
        return "retired engine keyspace '"
            + r.engineKeyspace()
            + "' is in store '"
            + r.store()
            + "', which is not listed";
      }
      if (!retiredPlaces.add(r.store() + "/" + r.engineKeyspace())
          || placed.contains(r.store() + "/" + r.engineKeyspace())) {
        return "retired place '" + r.store() + "/" + r.engineKeyspace() + "' is listed twice";
      }
    }
    return null;
  }

  private static String checkDirectory(String directory) {
    return Keyspace.NAME.matcher(directory).matches()
        ? null
        : "store directory name '" + directory + "' is invalid";
  }
}
