package dev.cairn.engine.memory;

import dev.cairn.spi.Keyspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store's keyspaces over time: for each name, the keyspaces that had it, newest first, each a
 * {@link VersionedMap} that knows the sequences between which it exists. A reader at a sequence
 * finds the keyspace it sees; a writer finds the live one.
 *
 * <p>Thread-safe. Changes are made by writers holding the write lock and become visible to readers
 * with the sequence the writer publishes after; lookups take no lock.
 */
final class Catalog {

  // Design. Keyspaces are versioned as keys are: creating one is a write at a new sequence, and
  // dropping one marks it dropped at the sequence of the drop, so a snapshot at S sees exactly the
  // keyspaces whose life spans S, whatever was created or dropped since. A name dropped and created
  // again has two entries; handles on the old one keep pointing at it and find it dropped. An entry
  // leaves the catalog, and its data is cleared, once no reader can read below its drop
  // (`release`). Lists are immutable and replaced whole; `held` lists every entry, for writers and
  // statistics, without walking the name map.

  private final Map<String, List<VersionedMap>> byName = new ConcurrentHashMap<>();
  private volatile List<VersionedMap> held = List.of();

  /** The default keyspace, created at sequence 0. */
  private final VersionedMap defaultKeyspace;

  Catalog(Sequencer sequencer) {
    defaultKeyspace = new VersionedMap(Keyspace.DEFAULT, 0, sequencer);
    add(defaultKeyspace);
  }

  /** The default keyspace, which is never dropped. */
  VersionedMap defaultKeyspace() {
    return defaultKeyspace;
  }

  /** The keyspace {@code name} as of the latest published write, or null. */
  VersionedMap live(String name) {
    List<VersionedMap> list = byName.get(name);
    if (list == null) {
      return null;
    }
    VersionedMap newest = list.getFirst();
    return newest.isLive() ? newest : null;
  }

  /**
   * The keyspace {@code name} a reader at {@code seq} sees, or null. The reader's pin keeps it in
   * the catalog.
   */
  VersionedMap at(String name, long seq) {
    List<VersionedMap> list = byName.get(name);
    if (list != null) {
      for (VersionedMap m : list) {
        if (m.existsAt(seq)) {
          return m;
        }
      }
    }
    return null;
  }

  /** The names of the keyspaces as of the latest published write, sorted. */
  List<String> liveNames() {
    List<String> names = new ArrayList<>();
    for (VersionedMap m : held) {
      if (m.isLive()) {
        names.add(m.name());
      }
    }
    names.sort(null);
    return names;
  }

  /** Every keyspace held, dropped ones that readers still see included. */
  List<VersionedMap> held() {
    return held;
  }

  /**
   * Adds a new keyspace, before the write that creates it is published. The caller holds the write
   * lock and has checked that no live keyspace has its name.
   */
  void add(VersionedMap keyspace) {
    List<VersionedMap> list = new ArrayList<>();
    list.add(keyspace);
    list.addAll(byName.getOrDefault(keyspace.name(), List.of()));
    byName.put(keyspace.name(), List.copyOf(list));
    List<VersionedMap> all = new ArrayList<>(held);
    all.add(keyspace);
    held = List.copyOf(all);
  }

  /**
   * Removes and clears every dropped keyspace no reader at or after {@code horizon} sees. The
   * caller holds the write lock.
   */
  void release(long horizon) {
    List<VersionedMap> all = held;
    if (!anyDroppedBy(all, horizon)) {
      return; // the common case, on every write: nothing dropped, or still seen
    }
    List<VersionedMap> kept = new ArrayList<>(all.size());
    for (VersionedMap m : all) {
      if (m.dropped() <= horizon) {
        List<VersionedMap> rest = new ArrayList<>(byName.get(m.name()));
        rest.remove(m);
        if (rest.isEmpty()) {
          byName.remove(m.name());
        } else {
          byName.put(m.name(), List.copyOf(rest));
        }
        m.clear();
      } else {
        kept.add(m);
      }
    }
    held = List.copyOf(kept);
  }

  private static boolean anyDroppedBy(List<VersionedMap> keyspaces, long horizon) {
    for (VersionedMap m : keyspaces) {
      if (m.dropped() <= horizon) {
        return true;
      }
    }
    return false;
  }

  /**
   * Verifies the catalog and adds what is wrong to {@code problems}: the default keyspace live,
   * every entry created at or before {@code published} and dropped after its creation, at most one
   * live entry a name and the dropped ones of a name not overlapping, and {@code byName} and {@code
   * held} holding the same entries. The caller holds the write lock.
   */
  void check(long published, List<String> problems) {
    if (live(Keyspace.DEFAULT) != defaultKeyspace) {
      problems.add("the default keyspace is not live");
    }
    int listed = 0;
    for (Map.Entry<String, List<VersionedMap>> e : byName.entrySet()) {
      long newerCreated = Long.MAX_VALUE;
      for (VersionedMap m : e.getValue()) {
        listed++;
        String what = "keyspace '" + e.getKey() + "' created at " + m.created();
        if (!m.name().equals(e.getKey())) {
          problems.add(what + " is listed under another name, '" + m.name() + "'");
        }
        if (m.created() > published) {
          problems.add(what + " is above published " + published);
        }
        if (m.dropped() <= m.created()) {
          problems.add(what + " is dropped at " + m.dropped() + ", not after its creation");
        }
        if (m.dropped() > newerCreated) {
          problems.add(
              what + " outlives the newer keyspace of its name, created at " + newerCreated);
        }
        newerCreated = m.created();
        if (!held.contains(m)) {
          problems.add(what + " is not among the keyspaces held");
        }
      }
    }
    if (listed != held.size()) {
      problems.add(held.size() + " keyspaces are held but " + listed + " are listed by name");
    }
  }
}
