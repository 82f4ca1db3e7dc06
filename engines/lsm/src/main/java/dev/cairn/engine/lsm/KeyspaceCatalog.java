package dev.cairn.engine.lsm;

import dev.cairn.spi.Keyspace;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store's keyspaces: each name's id (the prefix of its store keys, {@link StoreKeys}), the ids
 * of dropped keyspaces with the sequence at which they were dropped, and the next id to give. Ids
 * are never reused, so a dropped keyspace's entries, still in tables until compaction purges them,
 * never show under a new name. The manifest records the catalog ({@code lsm-manifest.md}).
 *
 * <p>Immutable; a change makes a new catalog.
 *
 * @param ids the live keyspaces' ids by name, the default keyspace (id 0) included
 * @param dropped the sequence at which each dropped id was dropped
 * @param nextId the id the next keyspace gets
 */
record KeyspaceCatalog(Map<String, Integer> ids, Map<Integer, Long> dropped, int nextId) {

  KeyspaceCatalog {
    ids = Collections.unmodifiableMap(new TreeMap<>(ids));
    dropped = Map.copyOf(dropped);
  }

  /** A new store's catalog: the default keyspace alone. */
  static KeyspaceCatalog initial() {
    return new KeyspaceCatalog(
        Map.of(Keyspace.DEFAULT, StoreKeys.DEFAULT_KEYSPACE),
        Map.of(),
        StoreKeys.DEFAULT_KEYSPACE + 1);
  }

  /** The id of keyspace {@code name}, or -1 if there is none of that name. */
  int id(String name) {
    Integer id = ids.get(name);
    return id == null ? -1 : id;
  }

  /** The catalog after {@code edit}. */
  KeyspaceCatalog apply(VersionEdit edit) {
    if (edit.keyspaces.isEmpty() && edit.droppedKeyspaces.isEmpty() && edit.nextKeyspace < 0) {
      return this;
    }
    TreeMap<String, Integer> i = new TreeMap<>(ids);
    Map<Integer, Long> d = new HashMap<>(dropped);
    int next = nextId;
    for (VersionEdit.KeyspaceEntry k : edit.keyspaces) {
      i.put(k.name(), k.id());
      next = Math.max(next, k.id() + 1);
    }
    for (VersionEdit.DroppedKeyspace k : edit.droppedKeyspaces) {
      i.values().remove(k.id());
      d.put(k.id(), k.sequence());
      next = Math.max(next, k.id() + 1);
    }
    if (edit.nextKeyspace >= 0) {
      next = Math.max(next, edit.nextKeyspace);
    }
    return new KeyspaceCatalog(i, d, next);
  }

  /** Adds the whole catalog to {@code edit} (a manifest's first edit). */
  void describe(VersionEdit edit) {
    ids.forEach((name, id) -> edit.keyspaces.add(new VersionEdit.KeyspaceEntry(id, name)));
    dropped.forEach(
        (id, seq) -> edit.droppedKeyspaces.add(new VersionEdit.DroppedKeyspace(id, seq)));
    edit.nextKeyspace = nextId;
  }

  /**
   * Whether entries of the store key's keyspace may be purged: it was dropped before every reader
   * still open (at a sequence below {@code smallestSnapshot}).
   */
  boolean purgeable(byte[] storeKey, long smallestSnapshot) {
    if (dropped.isEmpty()) {
      return false;
    }
    int id;
    try {
      id = StoreKeys.keyspaceOf(storeKey, "");
    } catch (RuntimeException e) {
      return false;
    }
    Long at = dropped.get(id);
    return at != null && at < smallestSnapshot;
  }
}
