package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Shrinks a failing sequence to a small one that still fails, by delta debugging (Zeller): remove
 * chunks of halving size, then single steps, then simplify what is left (shorter values and keys,
 * unbounded scans, batches split up); repeat until nothing changes or the budget of runs is spent.
 *
 * <p>Deterministic: given a deterministic engine, the same input shrinks to the same output, so a
 * replayed seed shows the same minimal sequence. Not thread-safe; one per shrink.
 */
final class Shrinker {

  /** Runs a candidate: the index of its first divergent output, or -1 when it passes. */
  private final ToIntFunction<List<Op>> divergence;

  private int budget;

  private Shrinker(ToIntFunction<List<Op>> divergence, int budget) {
    this.divergence = divergence;
    this.budget = budget;
  }

  /**
   * Shrinks {@code failing}, which must fail.
   *
   * @param budget the most candidate runs to spend
   */
  static List<Op> shrink(List<Op> failing, ToIntFunction<List<Op>> divergence, int budget) {
    Shrinker s = new Shrinker(divergence, budget);
    List<Op> current = s.truncate(failing, divergence.applyAsInt(failing));
    boolean changed = true;
    while (changed && s.budget > 0) {
      changed = false;
      for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
        int i = 0;
        while (i < current.size() && s.budget > 0) {
          List<Op> candidate = new ArrayList<>(current.subList(0, i));
          candidate.addAll(current.subList(Math.min(current.size(), i + chunk), current.size()));
          List<Op> kept = s.tryCandidate(candidate);
          if (kept != null) {
            current = kept;
            changed = true;
          } else {
            i += chunk;
          }
        }
      }
      for (int i = 0; i < current.size() && s.budget > 0; i++) {
        for (List<Op> replacement : simpler(current.get(i))) {
          List<Op> candidate = new ArrayList<>(current.subList(0, i));
          candidate.addAll(replacement);
          candidate.addAll(current.subList(i + 1, current.size()));
          List<Op> kept = s.tryCandidate(candidate);
          if (kept != null) {
            current = kept;
            changed = true;
            break;
          }
          if (s.budget <= 0) {
            break;
          }
        }
      }
    }
    return current;
  }

  private List<Op> tryCandidate(List<Op> candidate) {
    budget--;
    int at = divergence.applyAsInt(candidate);
    return at < 0 ? null : truncate(candidate, at);
  }

  /**
   * Steps after the first divergent one cannot matter; a divergence in the final check keeps all.
   */
  private List<Op> truncate(List<Op> ops, int at) {
    return at < ops.size() ? List.copyOf(ops.subList(0, at + 1)) : List.copyOf(ops);
  }

  /** Simpler replacements for one step, most aggressive first. */
  static List<List<Op>> simpler(Op op) {
    List<List<Op>> out = new ArrayList<>();
    switch (op) {
      case Op.Put p -> {
        if (p.sync()) {
          out.add(List.of(new Op.Put(p.key(), p.value(), false)));
        }
        if (p.value().length > 0) {
          out.add(List.of(new Op.Put(p.key(), new byte[0], p.sync())));
        }
        if (p.value().length > 1) {
          out.add(List.of(new Op.Put(p.key(), new byte[] {p.value()[0]}, p.sync())));
          out.add(
              List.of(
                  new Op.Put(p.key(), Arrays.copyOf(p.value(), p.value().length / 2), p.sync())));
        }
        if (p.key().length > 0) {
          out.add(List.of(new Op.Put(shorter(p.key()), p.value(), p.sync())));
        }
      }
      case Op.Delete d -> {
        if (d.key().length > 0) {
          out.add(List.of(new Op.Delete(shorter(d.key()))));
        }
      }
      case Op.Get g -> {
        if (g.key().length > 0) {
          out.add(List.of(new Op.Get(shorter(g.key()), g.snapshot())));
        }
      }
      case Op.Batch b -> {
        // Its writes as steps of their own; its preconditions have no meaning outside it.
        out.add(b.ops().stream().filter(o -> !(Model.unwrap(o) instanceof Op.Require)).toList());
        for (int i = 0; i < b.ops().size(); i++) {
          List<Op> fewer = new ArrayList<>(b.ops());
          fewer.remove(i);
          out.add(List.of(new Op.Batch(fewer)));
        }
      }
      case Op.Scan s -> {
        if (s.lower() != null) {
          out.add(List.of(s.withBounds(null, s.upper())));
        }
        if (s.upper() != null) {
          out.add(List.of(s.withBounds(s.lower(), null)));
        }
        if (s.seek() != null) {
          out.add(List.of(s.withSeek(null)));
        }
        if (s.before() > 0) {
          out.add(List.of(s.withBefore(0)));
        }
        if (s.direction() == Direction.REVERSE) {
          out.add(List.of(s.withDirection(Direction.FORWARD)));
        }
        if (s.limit() > 1 && s.limit() != Integer.MAX_VALUE) {
          out.add(List.of(s.withLimit(s.limit() / 2)));
        }
      }
      case Op.DeleteRange d -> {
        if (d.lower() != null) {
          out.add(List.of(d.withBounds(null, d.upper())));
        }
        if (d.upper() != null) {
          out.add(List.of(d.withBounds(d.lower(), null)));
        }
      }
      case Op.InKeyspace k -> {
        out.add(List.of(k.op()));
        for (List<Op> inner : simpler(k.op())) {
          out.add(inner.stream().map(o -> (Op) new Op.InKeyspace(k.keyspace(), o)).toList());
        }
      }
      default -> {
        // Snapshot, flush, reopen, check and keyspace steps have nothing simpler than their
        // removal.
      }
    }
    return out;
  }

  private static byte[] shorter(byte[] key) {
    return Arrays.copyOf(key, key.length - 1);
  }
}
