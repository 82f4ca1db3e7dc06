package dev.cairn.runtime.database;

import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.util.Map;

/**
 * Rewrites a batch named in database keyspaces into one named in a store's engine keyspaces. Each
 * operation and precondition keeps its order within its keyspace; operations on different keyspaces
 * never touch the same key, so their relative order does not matter ({@link WriteBatch}).
 */
final class Batches {

  private Batches() {}

  /**
   * The batch {@code batch} with keyspace {@code k} renamed {@code engineKeyspaces.get(k)} for each
   * of its keyspaces, all of which the map must hold. A batch whose names already match is returned
   * as it is.
   */
  static WriteBatch translate(WriteBatch batch, Map<String, String> engineKeyspaces) {
    boolean same = true;
    for (String k : batch.keyspaces()) {
      same &= engineKeyspaces.get(k).equals(k);
    }
    if (same) {
      return batch;
    }
    WriteBatch out = new WriteBatch();
    for (WriteBatch.Precondition p : batch.preconditions()) {
      String to = engineKeyspaces.get(p.keyspace());
      if (p.expected() == null) {
        out.requireAbsent(to, p.key());
      } else {
        out.requireValue(to, p.key(), p.expected());
      }
    }
    for (String k : batch.keyspaces()) {
      String to = engineKeyspaces.get(k);
      for (WriteBatch.Operation op : batch.operations(k)) {
        switch (op) {
          case WriteBatch.Put p -> out.put(to, p.key(), p.value());
          case WriteBatch.Delete d -> out.delete(to, d.key());
          case WriteBatch.DeleteRange r -> out.deleteRange(to, r.range());
        }
      }
    }
    return out;
  }

  /** The batch's keyspaces, each mapped to {@code to}: for a one-keyspace place. */
  static Map<String, String> all(WriteBatch batch, String to) {
    java.util.HashMap<String, String> map = new java.util.HashMap<>();
    batch.keyspaces().forEach(k -> map.put(k, to));
    return map;
  }

  /** Whether {@code name} is the keyspace of a batch's forms without a keyspace. */
  static boolean isDefault(String name) {
    return name.equals(Keyspace.DEFAULT);
  }
}
