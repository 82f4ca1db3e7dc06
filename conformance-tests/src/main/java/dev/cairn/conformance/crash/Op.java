package dev.cairn.conformance.crash;

import dev.cairn.spi.Durability;
import dev.cairn.spi.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One step of a crash-test workload. Every step carries its index in the original workload. */
sealed interface Op {

  /** The step's index in the workload it was generated for; values embed it. */
  int step();

  /** A put. */
  record Put(int step, byte[] key, byte[] value, Durability durability) implements Op {
    @Override
    public String toString() {
      return "#" + step + " put " + name(key) + " (" + value.length + " B) " + durability;
    }
  }

  /** A delete. */
  record Delete(int step, byte[] key, Durability durability) implements Op {
    @Override
    public String toString() {
      return "#" + step + " delete " + name(key) + " " + durability;
    }
  }

  /** An atomic batch. */
  record Batch(int step, List<WriteBatch.Operation> operations, Durability durability)
      implements Op {
    WriteBatch toBatch() {
      WriteBatch b = new WriteBatch();
      for (WriteBatch.Operation o : operations) {
        switch (o) {
          case WriteBatch.Put p -> b.put(p.key(), p.value());
          case WriteBatch.Delete d -> b.delete(d.key());
        }
      }
      return b;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("#" + step + " batch[");
      for (WriteBatch.Operation o : operations) {
        sb.append(o instanceof WriteBatch.Put ? " put " : " delete ").append(name(o.key()));
      }
      return sb.append(" ] ").append(durability).toString();
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

  static String name(byte[] key) {
    return new String(key, StandardCharsets.ISO_8859_1);
  }
}
