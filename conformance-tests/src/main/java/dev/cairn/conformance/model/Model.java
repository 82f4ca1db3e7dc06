package dev.cairn.conformance.model;

import dev.cairn.spi.Direction;
import dev.cairn.spi.KeyRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What a correct engine answers to a sequence: a {@code TreeMap} in unsigned key order, with
 * snapshots as copies (LevelDB's {@code ModelDB}). Not thread-safe; one per sequence.
 */
final class Model {

  private NavigableMap<byte[], byte[]> live = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<Integer, NavigableMap<byte[], byte[]>> snapshots = new HashMap<>();

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

  private String apply(Op op, boolean ordered) {
    return switch (op) {
      case Op.Put p -> {
        live.put(p.key(), p.value());
        yield Outputs.OK;
      }
      case Op.Delete d -> {
        live.remove(d.key());
        yield Outputs.OK;
      }
      case Op.Batch b -> {
        for (Op o : b.ops()) {
          apply(o, ordered);
        }
        yield Outputs.OK;
      }
      case Op.Get g -> {
        NavigableMap<byte[], byte[]> view = view(g.snapshot());
        yield view == null ? Outputs.SKIPPED : Outputs.show(view.get(g.key()));
      }
      case Op.Scan s -> {
        NavigableMap<byte[], byte[]> view = view(s.snapshot());
        yield view == null ? Outputs.SKIPPED : scan(view, s, ordered);
      }
      case Op.OpenSnapshot o -> {
        NavigableMap<byte[], byte[]> copy = new TreeMap<>(Arrays::compareUnsigned);
        copy.putAll(live);
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

  private NavigableMap<byte[], byte[]> view(int snapshot) {
    return snapshot < 0 ? live : snapshots.get(snapshot);
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
