package dev.cairn.bench.store;

import java.util.List;

/** The bench-only peers: stores a user would otherwise pick, never shipped as engines. */
final class Peers {

  private Peers() {}

  private static String lmdbjavaVersion() {
    String v = org.lmdbjava.Env.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  static List<Target> all() {
    return List.of(
        new Target(
            "mvstore",
            "peer",
            "h2 " + org.h2.engine.Constants.VERSION,
            MvStoreStore.DURABILITY,
            (dir, spec) -> new MvStoreStore(dir)),
        new Target(
            "lmdb", "peer", "lmdbjava " + lmdbjavaVersion(), LmdbStore.DURABILITY, LmdbStore::new));
  }
}
