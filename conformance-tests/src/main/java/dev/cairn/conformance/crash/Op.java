package dev.cairn.conformance.crash;

import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One step of a crash-test workload. Every step carries its index in the original workload.
 *
 * <p>A write (put, delete, batch) names its durability, or, when {@code byDefault}, is made with
 * the form that names none ({@code put(key, value)}, {@code delete(key)}, {@code write(batch)});
 * its {@code durability} is then the store's default, {@link StoreSession#DEFAULT_DURABILITY},
 * which is what the engine owes it.
 */
sealed interface Op {

  /** In {@link #changes()}: the key was deleted. */
  int DELETED = Integer.MIN_VALUE;

  /** The step's index in the workload it was generated for; values embed it. */
  int step();

  /**
   * What the step does to the store: key name to the key's new {@linkplain Values#state state}, or
   * {@link #DELETED}; empty for a step that writes nothing.
   */
  default Map<String, Integer> changes() {
    return Map.of();
  }

  /** A put. */
  record Put(int step, byte[] key, byte[] value, Durability durability, boolean byDefault)
      implements Op {
    @Override
    public Map<String, Integer> changes() {
      return Map.of(name(key), Values.written(step, value));
    }

    @Override
    public String toString() {
      return "#"
          + step
          + " put "
          + name(key)
          + " ("
          + value.length
          + " B) "
          + form(durability, byDefault);
    }
  }

  /** A delete. */
  record Delete(int step, byte[] key, Durability durability, boolean byDefault) implements Op {
    @Override
    public Map<String, Integer> changes() {
      return Map.of(name(key), DELETED);
    }

    @Override
    public String toString() {
      return "#" + step + " delete " + name(key) + " " + form(durability, byDefault);
    }
  }

  /** An atomic batch. */
  record Batch(
      int step, List<WriteBatch.Operation> operations, Durability durability, boolean byDefault)
      implements Op {
    @Override
    public Map<String, Integer> changes() {
      Map<String, Integer> changes = new TreeMap<>();
      for (WriteBatch.Operation o : operations) {
        changes.put(
            name(o.key()),
            o instanceof WriteBatch.Put p ? Values.written(step, p.value()) : DELETED);
      }
      return changes;
    }

    WriteBatch toBatch() {
      WriteBatch b = new WriteBatch();
      for (WriteBatch.Operation o : operations) {
        switch (o) {
          case WriteBatch.Put p -> b.put(p.key(), p.value());
          case WriteBatch.Delete d -> b.delete(d.key());
          case WriteBatch.DeleteRange r ->
              throw new dev.cairn.spi.UnsupportedCapabilityException(
                  "range deletes (capability RANGE_DELETES)");
        }
      }
      return b;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("#" + step + " batch[");
      for (WriteBatch.Operation o : operations) {
        if (o instanceof WriteBatch.Put p) {
          sb.append(" put ").append(name(p.key())).append(" (").append(p.value().length);
          sb.append(" B)");
        } else {
          sb.append(" delete ").append(name(o.key()));
        }
      }
      return sb.append(" ] ").append(form(durability, byDefault)).toString();
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

  static String name(byte[] key) {
    return new String(key, StandardCharsets.ISO_8859_1);
  }
}
