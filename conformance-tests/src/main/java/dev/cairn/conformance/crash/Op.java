package dev.cairn.conformance.crash;

import dev.cairn.spi.Durability;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One step of a crash-test workload. Every step carries its index in the original workload.
 *
 * <p>A write (put, delete, batch, range delete) names its durability, or, when {@code byDefault},
 * is made with the form that names none ({@code put(key, value)}, {@code delete(key)}, {@code
 * write(batch)}); its {@code durability} is then the store's default, {@link
 * StoreSession#DEFAULT_DURABILITY}, which is what the engine owes it. Creating and dropping a
 * keyspace are durable when they return, as {@code SYNC} writes are.
 *
 * <p><b>States.</b> The {@link Oracle} follows the store as a map from a key's {@linkplain
 * #name(String, byte[]) name} (its keyspace's name, a slash and the key, or the key alone in the
 * default keyspace) to its {@linkplain Values#state state}, and from a keyspace's {@linkplain
 * #marker(String) marker} to {@link Values#KEYSPACE} while it exists. A step is {@linkplain
 * #possibleIn possible} in a state when every keyspace it names exists (for a create: does not) and
 * its preconditions hold; {@link #applyTo} is what it does there.
 */
sealed interface Op {

  /** In {@link #changes()}: the key was deleted. */
  int DELETED = Integer.MIN_VALUE;

  /** The step's index in the workload it was generated for; values embed it. */
  int step();

  /**
   * What the step writes: key name (or keyspace marker) to the {@linkplain Values#state state} it
   * writes, or {@link #DELETED} for a point delete, in the order a batch applies them; empty for a
   * step that writes nothing. Range deletes and drops remove what the state holds, which only
   * {@link #applyTo} knows.
   */
  default Map<String, Integer> changes() {
    return Map.of();
  }

  /** Whether the step can succeed in {@code state}: see the class comment. */
  default boolean possibleIn(Map<String, Integer> state) {
    return true;
  }

  /** Applies the step to {@code state}, assuming it is {@linkplain #possibleIn possible} there. */
  default void applyTo(Map<String, Integer> state) {
    changes()
        .forEach(
            (k, v) -> {
              if (v == DELETED) {
                state.remove(k);
              } else {
                state.put(k, v);
              }
            });
  }

  /** Whether an acknowledgement of the step makes it and every earlier step durable. */
  default boolean durableWhenAcknowledged() {
    return false;
  }

  /** A put, in {@code keyspace}. */
  record Put(
      int step, String keyspace, byte[] key, byte[] value, Durability durability, boolean byDefault)
      implements Op {

    /** A put in the default keyspace. */
    Put(int step, byte[] key, byte[] value, Durability durability, boolean byDefault) {
      this(step, Keyspace.DEFAULT, key, value, durability, byDefault);
    }

    @Override
    public Map<String, Integer> changes() {
      return Map.of(name(keyspace, key), Values.written(step, value));
    }

    @Override
    public boolean possibleIn(Map<String, Integer> state) {
      return exists(state, keyspace);
    }

    @Override
    public boolean durableWhenAcknowledged() {
      return durability == Durability.SYNC;
    }

    @Override
    public String toString() {
      return "#"
          + step
          + " put "
          + name(keyspace, key)
          + " ("
          + value.length
          + " B) "
          + form(durability, byDefault);
    }
  }

  /** A delete, in {@code keyspace}. */
  record Delete(int step, String keyspace, byte[] key, Durability durability, boolean byDefault)
      implements Op {

    /** A delete in the default keyspace. */
    Delete(int step, byte[] key, Durability durability, boolean byDefault) {
      this(step, Keyspace.DEFAULT, key, durability, byDefault);
    }

    @Override
    public Map<String, Integer> changes() {
      return Map.of(name(keyspace, key), DELETED);
    }

    @Override
    public boolean possibleIn(Map<String, Integer> state) {
      return exists(state, keyspace);
    }

    @Override
    public boolean durableWhenAcknowledged() {
      return durability == Durability.SYNC;
    }

    @Override
    public String toString() {
      return "#" + step + " delete " + name(keyspace, key) + " " + form(durability, byDefault);
    }
  }

  /** A {@code deleteRange(range)} on the store or a keyspace handle, alone. */
  record DeleteRange(
      int step, String keyspace, KeyRange range, Durability durability, boolean byDefault)
      implements Op {

    @Override
    public boolean possibleIn(Map<String, Integer> state) {
      return exists(state, keyspace);
    }

    @Override
    public void applyTo(Map<String, Integer> state) {
      removeRange(state, keyspace, range);
    }

    @Override
    public boolean durableWhenAcknowledged() {
      return durability == Durability.SYNC;
    }

    @Override
    public String toString() {
      return "#"
          + step
          + " deleteRange "
          + (keyspace.equals(Keyspace.DEFAULT) ? "" : keyspace + " ")
          + show(range)
          + " "
          + form(durability, byDefault);
    }
  }

  /** One write of a batch: an operation in a keyspace. */
  record Write(String keyspace, WriteBatch.Operation operation) {}

  /**
   * An atomic batch: its writes, in order, over any keyspaces, and its preconditions, checked
   * before any write.
   */
  record Batch(
      int step,
      List<Write> writes,
      List<WriteBatch.Precondition> preconditions,
      Durability durability,
      boolean byDefault)
      implements Op {

    /** Copies the lists. */
    public Batch {
      writes = List.copyOf(writes);
      preconditions = List.copyOf(preconditions);
    }

    /** A batch of {@code operations} in the default keyspace, without preconditions. */
    Batch(
        int step, List<WriteBatch.Operation> operations, Durability durability, boolean byDefault) {
      this(
          step,
          operations.stream().map(o -> new Write(Keyspace.DEFAULT, o)).toList(),
          List.of(),
          durability,
          byDefault);
    }

    /** Every write's operation, whatever its keyspace, in order. */
    List<WriteBatch.Operation> operations() {
      return writes.stream().map(Write::operation).toList();
    }

    /** The keyspaces the batch names, its preconditions' included. */
    Set<String> keyspaces() {
      Set<String> names = new TreeSet<>();
      writes.forEach(w -> names.add(w.keyspace()));
      preconditions.forEach(p -> names.add(p.keyspace()));
      return names;
    }

    @Override
    public Map<String, Integer> changes() {
      Map<String, Integer> changes = new TreeMap<>();
      for (Write w : writes) {
        switch (w.operation()) {
          case WriteBatch.Put p ->
              changes.put(name(w.keyspace(), p.key()), Values.written(step, p.value()));
          case WriteBatch.Delete d -> changes.put(name(w.keyspace(), d.key()), DELETED);
          case WriteBatch.DeleteRange r -> {
            // Removes what the state holds: see applyTo.
          }
        }
      }
      return changes;
    }

    @Override
    public boolean possibleIn(Map<String, Integer> state) {
      for (String k : keyspaces()) {
        if (!exists(state, k)) {
          return false;
        }
      }
      for (WriteBatch.Precondition p : preconditions) {
        Integer found = state.get(name(p.keyspace(), p.key()));
        boolean holds =
            p.expected() == null
                ? found == null
                : found != null
                    && found == Values.state(valueKey(p.keyspace(), p.key()), p.expected());
        if (!holds) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void applyTo(Map<String, Integer> state) {
      for (Write w : writes) {
        switch (w.operation()) {
          case WriteBatch.Put p ->
              state.put(name(w.keyspace(), p.key()), Values.written(step, p.value()));
          case WriteBatch.Delete d -> state.remove(name(w.keyspace(), d.key()));
          case WriteBatch.DeleteRange r -> removeRange(state, w.keyspace(), r.range());
        }
      }
    }

    @Override
    public boolean durableWhenAcknowledged() {
      return durability == Durability.SYNC;
    }

    WriteBatch toBatch() {
      WriteBatch b = new WriteBatch();
      for (WriteBatch.Precondition p : preconditions) {
        if (p.expected() == null) {
          b.requireAbsent(p.keyspace(), p.key());
        } else {
          b.requireValue(p.keyspace(), p.key(), p.expected());
        }
      }
      for (Write w : writes) {
        switch (w.operation()) {
          case WriteBatch.Put p -> b.put(w.keyspace(), p.key(), p.value());
          case WriteBatch.Delete d -> b.delete(w.keyspace(), d.key());
          case WriteBatch.DeleteRange r -> b.deleteRange(w.keyspace(), r.range());
        }
      }
      return b;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("#" + step + " batch[");
      for (WriteBatch.Precondition p : preconditions) {
        sb.append(" require ").append(name(p.keyspace(), p.key()));
        sb.append(
            p.expected() == null
                ? " absent"
                : " = "
                    + Values.describe(Values.state(valueKey(p.keyspace(), p.key()), p.expected())));
        sb.append(';');
      }
      for (Write w : writes) {
        switch (w.operation()) {
          case WriteBatch.Put p -> {
            sb.append(" put ").append(name(w.keyspace(), p.key())).append(" (");
            sb.append(p.value().length).append(" B)");
          }
          case WriteBatch.Delete d -> sb.append(" delete ").append(name(w.keyspace(), d.key()));
          case WriteBatch.DeleteRange r -> {
            sb.append(" deleteRange ");
            sb.append(w.keyspace().equals(Keyspace.DEFAULT) ? "" : w.keyspace() + " ");
            sb.append(show(r.range()));
          }
        }
      }
      return sb.append(" ] ").append(form(durability, byDefault)).toString();
    }
  }

  /** Creates keyspace {@code keyspace}. */
  record CreateKeyspace(int step, String keyspace) implements Op {
    @Override
    public Map<String, Integer> changes() {
      return Map.of(marker(keyspace), Values.KEYSPACE);
    }

    @Override
    public boolean possibleIn(Map<String, Integer> state) {
      return !exists(state, keyspace);
    }

    @Override
    public boolean durableWhenAcknowledged() {
      return true;
    }

    @Override
    public String toString() {
      return "#" + step + " createKeyspace " + keyspace;
    }
  }

  /** Drops keyspace {@code keyspace} and every key in it. */
  record DropKeyspace(int step, String keyspace) implements Op {
    @Override
    public boolean possibleIn(Map<String, Integer> state) {
      return !keyspace.equals(Keyspace.DEFAULT) && exists(state, keyspace);
    }

    @Override
    public void applyTo(Map<String, Integer> state) {
      state.keySet().removeIf(k -> k.startsWith(marker(keyspace)));
    }

    @Override
    public boolean durableWhenAcknowledged() {
      return true;
    }

    @Override
    public String toString() {
      return "#" + step + " dropKeyspace " + keyspace;
    }
  }

  /** A flush: everything acknowledged so far becomes durable. */
  record Flush(int step) implements Op {
    @Override
    public String toString() {
      return "#" + step + " flush";
    }
  }

  /** A checkpoint into a new directory beside the store. */
  record Checkpoint(int step) implements Op {
    String directoryName() {
      return "checkpoint-" + step;
    }

    @Override
    public String toString() {
      return "#" + step + " checkpoint";
    }
  }

  /** A clean close and reopen. */
  record Reopen(int step) implements Op {
    @Override
    public String toString() {
      return "#" + step + " reopen";
    }
  }

  /** A read of one key, checked against what the workload wrote. */
  record Get(int step, byte[] key) implements Op {
    @Override
    public String toString() {
      return "#" + step + " get " + name(key);
    }
  }

  /** A write's durability, and whether the write named it, for messages. */
  private static String form(Durability durability, boolean byDefault) {
    return byDefault ? durability + " (the default, not named)" : durability.toString();
  }

  private static String show(KeyRange range) {
    return (range.lower() == null
            ? "(-inf"
            : (range.lower().inclusive() ? "[" : "(") + name(range.lower().key()))
        + ", "
        + (range.upper() == null
            ? "+inf)"
            : name(range.upper().key()) + (range.upper().inclusive() ? "]" : ")"));
  }

  static String name(byte[] key) {
    return new String(key, StandardCharsets.ISO_8859_1);
  }

  /** A key's name in the oracle's states: {@code keyspace/key}, or the key in the default one. */
  static String name(String keyspace, byte[] key) {
    return keyspace.equals(Keyspace.DEFAULT) ? name(key) : marker(keyspace) + name(key);
  }

  /**
   * The key a value written to {@code key} of {@code keyspace} embeds ({@link Values}): its name's
   * bytes, so that a value that crossed into another keyspace reads as foreign.
   */
  static byte[] valueKey(String keyspace, byte[] key) {
    return keyspace.equals(Keyspace.DEFAULT)
        ? key
        : name(keyspace, key).getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The state entry of an existing keyspace other than the default one. */
  static String marker(String keyspace) {
    return keyspace + "/";
  }

  /** Whether {@code keyspace} exists in {@code state}; the default one always does. */
  static boolean exists(Map<String, Integer> state, String keyspace) {
    return keyspace.equals(Keyspace.DEFAULT) || state.containsKey(marker(keyspace));
  }

  /** Removes from {@code state} every key of {@code keyspace} that {@code range} holds. */
  private static void removeRange(Map<String, Integer> state, String keyspace, KeyRange range) {
    List<String> doomed = new ArrayList<>();
    for (String k : state.keySet()) {
      String key;
      if (keyspace.equals(Keyspace.DEFAULT)) {
        if (k.indexOf('/') >= 0) {
          continue;
        }
        key = k;
      } else if (k.startsWith(marker(keyspace)) && !k.equals(marker(keyspace))) {
        key = k.substring(marker(keyspace).length());
      } else {
        continue;
      }
      if (range.contains(key.getBytes(StandardCharsets.ISO_8859_1))) {
        doomed.add(k);
      }
    }
    doomed.forEach(state::remove);
  }
}
