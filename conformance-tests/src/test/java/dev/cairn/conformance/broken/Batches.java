package dev.cairn.conformance.broken;

import dev.cairn.spi.KeyRange;
import dev.cairn.spi.WriteBatch;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.UnaryOperator;

/** Rewriting write batches, as the broken engines of SPI 1.1 tamper with them. Stateless. */
final class Batches {

  private Batches() {}

  /** Every operation, in every keyspace, kept. */
  static final BiPredicate<String, WriteBatch.Operation> ALL = (ks, op) -> true;

  /**
   * A copy of {@code batch} with the operations {@code keep} accepts, each range delete's range
   * passed through {@code ranges}, and its preconditions if {@code preconditions}.
   */
  static WriteBatch copy(
      WriteBatch batch,
      boolean preconditions,
      BiPredicate<String, WriteBatch.Operation> keep,
      UnaryOperator<KeyRange> ranges) {
    WriteBatch out = new WriteBatch();
    if (preconditions) {
      for (WriteBatch.Precondition p : batch.preconditions()) {
        if (p.expected() == null) {
          out.requireAbsent(p.keyspace(), p.key());
        } else {
          out.requireValue(p.keyspace(), p.key(), p.expected());
        }
      }
    }
    for (String ks : batch.keyspaces()) {
      add(out, ks, batch.operations(ks), keep, ranges);
    }
    return out;
  }

  /**
   * Adds to {@code out} those of {@code ops} (of keyspace {@code ks}) that {@code keep} accepts.
   */
  static void add(
      WriteBatch out,
      String ks,
      List<WriteBatch.Operation> ops,
      BiPredicate<String, WriteBatch.Operation> keep,
      UnaryOperator<KeyRange> ranges) {
    for (WriteBatch.Operation op : ops) {
      if (!keep.test(ks, op)) {
        continue;
      }
      switch (op) {
        case WriteBatch.Put p -> out.put(ks, p.key(), p.value());
        case WriteBatch.Delete d -> out.delete(ks, d.key());
        case WriteBatch.DeleteRange r -> out.deleteRange(ks, ranges.apply(r.range()));
      }
    }
  }
}
