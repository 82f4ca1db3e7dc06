package dev.cairn.conformance.model;

import dev.cairn.spi.ConflictException;
import dev.cairn.spi.ConsistencyReport;
import dev.cairn.spi.Cursor;
import dev.cairn.spi.Durability;
import dev.cairn.spi.InvalidArgumentException;
import dev.cairn.spi.ReadView;
import dev.cairn.spi.Snapshot;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs a sequence on an engine and records what each step returned, in the model's notation. An
 * exception becomes the step's output ({@code threw ...}), so it shows as a divergence. Not
 * thread-safe; one per run.
 */
final class SequenceRunner {

  private final Supplier<StorageEngine> opener;
  private final boolean ordered;
  private final Map<Integer, Snapshot> snapshots = new HashMap<>();
  private StorageEngine engine;

  private SequenceRunner(Supplier<StorageEngine> opener, boolean ordered) {
    this.opener = opener;
    this.ordered = ordered;
  }

  /**
   * Runs {@code ops} on the store {@code opener} opens (and reopens, for {@link Op.Reopen}); the
   * outputs of each step, then of a final consistency check. Closes the store at the end.
   */
  static List<String> run(List<Op> ops, Supplier<StorageEngine> opener, boolean ordered) {
    SequenceRunner r = new SequenceRunner(opener, ordered);
    List<String> out = new ArrayList<>(ops.size() + 1);
    try {
      r.engine = opener.get();
      for (Op op : ops) {
        out.add(r.step(op));
      }
      out.add(r.step(new Op.Check()));
    } catch (RuntimeException e) {
      out.add("threw " + e);
    } finally {
      r.closeAll();
    }
    return out;
  }

  private String step(Op op) {
    try {
      return apply(op);
    } catch (ConflictException e) {
      return op instanceof Op.Batch
          ? Outputs.REJECTED
          : "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (InvalidArgumentException e) {
      // NB: what a refusal for a missing keyspace looks like; the model says when one is due, and
      // any other InvalidArgumentException shows as a divergence all the same.
      if (op instanceof Op.Batch) {
        return Outputs.REJECTED;
      }
      if (op instanceof Op.InKeyspace
          || op instanceof Op.CreateKeyspace
          || op instanceof Op.DropKeyspace) {
        return Outputs.REFUSED;
      }
      return "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
    } catch (RuntimeException e) {
      return "threw " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private String apply(Op op) {
    if (engine == null) {
      return "no store (a reopen failed)";
    }
    return switch (op) {
      case Op.Put p -> {
        engine.put(p.key(), p.value(), p.sync() ? Durability.SYNC : Durability.BUFFERED);
        yield Outputs.OK;
      }
      case Op.Delete d -> {
        engine.delete(d.key(), Durability.BUFFERED);
        yield Outputs.OK;
      }
      case Op.DeleteRange d -> {
        engine.deleteRange(Outputs.range(d), Durability.BUFFERED);
        yield Outputs.OK;
      }
      case Op.Batch b -> {
        engine.write(toBatch(b), Durability.BUFFERED);
        yield Outputs.OK;
      }
      case Op.Get g -> {
        ReadView v = view(g.snapshot());
        yield v == null ? Outputs.SKIPPED : Outputs.show(v.get(g.key()));
      }
      case Op.Scan s -> {
        ReadView v = view(s.snapshot());
        yield v == null ? Outputs.SKIPPED : scan(v, s);
      }
      case Op.InKeyspace k -> inKeyspace(k);
      case Op.Require r -> throw new IllegalArgumentException("a precondition outside a batch");
      case Op.CreateKeyspace c -> {
        engine.createKeyspace(c.name());
        yield Outputs.OK;
      }
      case Op.DropKeyspace d -> {
        engine.dropKeyspace(d.name());
        yield Outputs.OK;
      }
      case Op.OpenSnapshot o -> {
        snapshots.put(o.id(), engine.snapshot());
        yield Outputs.OK;
      }
      case Op.CloseSnapshot c -> {
        Snapshot s = snapshots.remove(c.id());
        if (s == null) {
          yield Outputs.SKIPPED;
        }
        s.close();
        yield Outputs.OK;
      }
      case Op.Flush f -> {
        engine.flush();
        yield Outputs.OK;
      }
      case Op.Reopen r -> {
        closeAll();
        engine = opener.get();
        yield Outputs.OK;
      }
      case Op.Check c -> {
        ConsistencyReport report = engine.checkConsistency();
        yield report.isConsistent() ? Outputs.CONSISTENT : "problems: " + report.problems();
      }
    };
  }

  private String inKeyspace(Op.InKeyspace k) {
    String name = k.keyspace();
    switch (k.op()) {
      case Op.Get g -> {
        Snapshot s = g.snapshot() < 0 ? null : snapshots.get(g.snapshot());
        if (g.snapshot() >= 0 && s == null) {
          return Outputs.SKIPPED;
        }
        ReadView v = s == null ? engine.keyspace(name) : s.keyspace(name);
        return Outputs.show(v.get(g.key()));
      }
      case Op.Scan sc -> {
        Snapshot s = sc.snapshot() < 0 ? null : snapshots.get(sc.snapshot());
        if (sc.snapshot() >= 0 && s == null) {
          return Outputs.SKIPPED;
        }
        return scan(s == null ? engine.keyspace(name) : s.keyspace(name), sc);
      }
      case Op.Put p -> {
        engine
            .keyspace(name)
            .put(p.key(), p.value(), p.sync() ? Durability.SYNC : Durability.BUFFERED);
        return Outputs.OK;
      }
      case Op.Delete d -> {
        engine.keyspace(name).delete(d.key(), Durability.BUFFERED);
        return Outputs.OK;
      }
      case Op.DeleteRange d -> {
        engine.keyspace(name).deleteRange(Outputs.range(d), Durability.BUFFERED);
        return Outputs.OK;
      }
      default -> throw new IllegalArgumentException("not a step for a keyspace: " + k);
    }
  }

  /** The batch of {@code b}, operations and preconditions in their keyspaces. */
  static WriteBatch toBatch(Op.Batch b) {
    WriteBatch batch = new WriteBatch();
    for (Op o : b.ops()) {
      String ks = Model.keyspaceOf(o);
      switch (Model.unwrap(o)) {
        case Op.Put p -> batch.put(ks, p.key(), p.value());
        case Op.Delete d -> batch.delete(ks, d.key());
        case Op.DeleteRange d -> batch.deleteRange(ks, Outputs.range(d));
        case Op.Require r -> {
          if (r.expected() == null) {
            batch.requireAbsent(ks, r.key());
          } else {
            batch.requireValue(ks, r.key(), r.expected());
          }
        }
        default -> throw new IllegalArgumentException("not a step for a batch: " + o);
      }
    }
    return batch;
  }

  private ReadView view(int snapshot) {
    return snapshot < 0 ? engine : snapshots.get(snapshot);
  }

  private String scan(ReadView v, Op.Scan s) {
    List<String> out = new ArrayList<>();
    try (Cursor c = v.cursor(Outputs.range(s), s.direction())) {
      step(c, s.before(), out);
      if (s.seek() != null) {
        c.seek(s.seek());
        out.add("seek");
      }
      step(c, s.limit(), out);
    }
    return scanOutput(out, ordered);
  }

  private static void step(Cursor c, int n, List<String> out) {
    for (int i = 0; i < n; i++) {
      if (!c.next()) {
        out.add(Outputs.END);
        return;
      }
      out.add(Outputs.entry(c.key(), c.value()));
    }
  }

  /**
   * A scan's tokens as one output; without order the tokens are sorted, as order is unspecified.
   */
  static String scanOutput(List<String> tokens, boolean ordered) {
    if (!ordered) {
      tokens = new ArrayList<>(tokens);
      Collections.sort(tokens);
    }
    return "[" + String.join(", ", tokens) + "]";
  }

  private void closeAll() {
    snapshots.values().forEach(Snapshot::close);
    snapshots.clear();
    if (engine != null) {
      StorageEngine e = engine;
      engine = null;
      e.close();
    }
  }
}
