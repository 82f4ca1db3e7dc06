package dev.cairn.bench.store;

import java.util.List;

/** The bench-only peers: stores a user would otherwise pick, never shipped as engines. */
final class Peers {

  private Peers() {}

  private static String lmdbjavaVersion() {
    return version(org.lmdbjava.Env.class);
  }

  /** The implementation version of the jar a class comes from; loads it without initializing. */
  private static String version(Class<?> c) {
    String v = c.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  static List<Target> all() {
    return List.of(
        new Target(
            "mvstore",
            "peer",
            "h2 " + org.h2.engine.Constants.VERSION,
            MvStoreStore.DURABILITY,
            MvStoreStore::memory,
            MvStoreStore::new),
        new Target(
            "lmdb",
            "peer",
            "lmdbjava " + lmdbjavaVersion(),
            LmdbStore.DURABILITY,
            spec -> LmdbStore.MEMORY,
            LmdbStore::new),
        new Target(
            "chronicle-map",
            "peer",
            "chronicle-map " + version(net.openhft.chronicle.map.ChronicleMap.class),
            ChronicleMapStore.DURABILITY,
            spec -> ChronicleMapStore.MEMORY,
            ChronicleMapStore::new));
  }
}
