package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import dev.cairn.spi.Keyspace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What a correct engine answers to a sequence: a {@code TreeMap} in unsigned key order per
 * keyspace, with snapshots as copies (LevelDB's {@code ModelDB}). Not thread-safe; one per
 * sequence.
 *
 * <p>A batch first checks that every keyspace it names exists, then its preconditions against the
 * state it finds, and only then applies its operations in order; if either check fails it applies
 * nothing.
 */
final class Model {

  /** Keyspace name to its entries; the default keyspace always exists. */
  private final Map<String, NavigableMap<byte[], byte[]>> live = new TreeMap<>();

  private final Map<Integer, Map<String, NavigableMap<byte[], byte[]>>> snapshots = new HashMap<>();

  Model() {
    live.put(Keyspace.DEFAULT, empty());
  }

  private static NavigableMap<byte[], byte[]> empty() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  /** The expected output of each step, then of the final consistency check. */
  static List<String> expected(List<Op> ops, boolean ordered) {
    Model m = new Model();
    List<String> out = new ArrayList<>(ops.size() + 1);
    for (Op op : ops) {
      out.add(m.apply(op, ordered));
    }
    out.add(Outputs.CONSISTENT);
    return out;
  }

  /** The value of {@code key} in {@code keyspace} now, or null (absent key or keyspace). */
  byte[] value(String keyspace, byte[] key) {
    NavigableMap<byte[], byte[]> m = live.get(keyspace);
    return m == null ? null : m.get(key);
  }

  /** Whether keyspace {@code name} exists now. */
  boolean exists(String name) {
    return live.containsKey(name);
  }

  /** Applies one step; its output. */
  String apply(Op op, boolean ordered) {
    return switch (op) {
      case Op.Put p -> write(Keyspace.DEFAULT, p);
      case Op.Delete d -> write(Keyspace.DEFAULT, d);
      case Op.DeleteRange d -> write(Keyspace.DEFAULT, d);
      case Op.Batch b -> batch(b);
      case Op.Get g -> read(Keyspace.DEFAULT, g, ordered);
      case Op.Scan s -> read(Keyspace.DEFAULT, s, ordered);
      case Op.InKeyspace k ->
          switch (k.op()) {
            case Op.Get g -> read(k.keyspace(), g, ordered);
            case Op.Scan s -> read(k.keyspace(), s, ordered);
            default -> write(k.keyspace(), k.op());
          };
      case Op.Require r -> throw new IllegalArgumentException("a precondition outside a batch");
      case Op.CreateKeyspace c -> {
        if (live.containsKey(c.name())) {
          yield Outputs.REFUSED;
        }
        live.put(c.name(), empty());
        yield Outputs.OK;
      }
      case Op.DropKeyspace d -> {
        if (d.name().equals(Keyspace.DEFAULT) || live.remove(d.name()) == null) {
          yield Outputs.REFUSED;
        }
        yield Outputs.OK;
      }
      case Op.OpenSnapshot o -> {
        Map<String, NavigableMap<byte[], byte[]>> copy = new TreeMap<>();
        live.forEach(
            (name, entries) -> {
              NavigableMap<byte[], byte[]> m = empty();
              m.putAll(entries);
              copy.put(name, m);
            });
        snapshots.put(o.id(), copy);
        yield Outputs.OK;
      }
      case Op.CloseSnapshot c -> snapshots.remove(c.id()) == null ? Outputs.SKIPPED : Outputs.OK;
      case Op.Flush f -> Outputs.OK;
      case Op.Reopen r -> {
        snapshots.clear();
        yield Outputs.OK;
      }
      case Op.Check c -> Outputs.CONSISTENT;
    };
  }

  /** A put, delete or range delete in {@code keyspace}, alone. */
  private String write(String keyspace, Op op) {
    NavigableMap<byte[], byte[]> m = live.get(keyspace);
    if (m == null) {
      return Outputs.REFUSED;
    }
    change(m, op);
    return Outputs.OK;
  }

  private static void change(NavigableMap<byte[], byte[]> m, Op op) {
    switch (op) {
      case Op.Put p -> m.put(p.key(), p.value());
      case Op.Delete d -> m.remove(d.key());
      case Op.DeleteRange d -> m.keySet().removeIf(Outputs.range(d)::contains);
      default -> throw new IllegalArgumentException("not a write: " + op);
    }
  }

  private String batch(Op.Batch b) {
    for (Op o : b.ops()) {
      if (!live.containsKey(keyspaceOf(o))) {
        return Outputs.REJECTED;
      }
    }
    for (Op o : b.ops()) {
      if (unwrap(o) instanceof Op.Require r) {
        byte[] found = live.get(keyspaceOf(o)).get(r.key());
        boolean holds =
            r.expected() == null
                ? found == null
                : found != null && Arrays.equals(found, r.expected());
        if (!holds) {
          return Outputs.REJECTED;
        }
      }
    }
    for (Op o : b.ops()) {
      if (!(unwrap(o) instanceof Op.Require)) {
        change(live.get(keyspaceOf(o)), unwrap(o));
      }
    }
    return Outputs.OK;
  }

  static String keyspaceOf(Op o) {
    return o instanceof Op.InKeyspace k ? k.keyspace() : Keyspace.DEFAULT;
  }

  static Op unwrap(Op o) {
    return o instanceof Op.InKeyspace k ? k.op() : o;
  }

  private String read(String keyspace, Op op, boolean ordered) {
    int snapshot =
        switch (op) {
          case Op.Get g -> g.snapshot();
          case Op.Scan s -> s.snapshot();
          default -> throw new IllegalArgumentException("not a read: " + op);
        };
    Map<String, NavigableMap<byte[], byte[]>> state = snapshot < 0 ? live : snapshots.get(snapshot);
    if (state == null) {
      return Outputs.SKIPPED;
    }
    NavigableMap<byte[], byte[]> view = state.get(keyspace);
    if (view == null) {
      return Outputs.REFUSED;
    }
    return op instanceof Op.Get g
        ? Outputs.show(view.get(g.key()))
        : scan(view, (Op.Scan) op, ordered);
  }

  private static String scan(NavigableMap<byte[], byte[]> view, Op.Scan s, boolean ordered) {
    KeyRange range = Outputs.range(s);
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : view.entrySet()) {
      if (range.contains(e.getKey())) {
        entries.add(e);
      }
    }
    if (s.direction() == Direction.REVERSE) {
      Collections.reverse(entries);
    }
    List<String> out = new ArrayList<>();
    int[] pos = {0};
    step(entries, pos, s.before(), out);
    if (s.seek() != null) {
      int i = 0;
      while (i < entries.size() && !reached(entries.get(i).getKey(), s.seek(), s.direction())) {
        i++;
      }
      pos[0] = i;
      out.add("seek");
    }
    step(entries, pos, s.limit(), out);
    return SequenceRunner.scanOutput(out, ordered);
  }

  private static void step(
      List<Map.Entry<byte[], byte[]>> entries, int[] pos, int n, List<String> out) {
    for (int i = 0; i < n; i++) {
      if (pos[0] >= entries.size()) {
        out.add(Outputs.END);
        return;
      }
      Map.Entry<byte[], byte[]> e = entries.get(pos[0]++);
      out.add(Outputs.entry(e.getKey(), e.getValue()));
    }
  }

  private static boolean reached(byte[] key, byte[] target, Direction d) {
    int c = Arrays.compareUnsigned(key, target);
    return d == Direction.FORWARD ? c >= 0 : c <= 0;
  }
}
