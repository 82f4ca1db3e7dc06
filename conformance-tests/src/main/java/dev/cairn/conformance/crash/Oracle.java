package dev.cairn.conformance.crash;

import dev.cairn.spi.Durability;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a store may hold after a crash, given what the workload was told (RocksDB's {@code
 * expected_value} idea, for one writer).
 *
 * <p>The oracle keeps the history of write steps in order, each acknowledged or failed (a failed
 * write may or may not have happened), and how many steps must survive: under a power cut, every
 * step up to the last {@code SYNC} acknowledgement or successful flush; under a process crash,
 * every acknowledged step. A store passes when its content equals the state after some prefix of
 * the history at least that long, where each failed step in the prefix is either applied or not: no
 * holes, no reordering, no resurrected deletes, batches whole or absent.
 *
 * <p>States map a key's name to its {@linkplain Values#state state}: the step whose value it holds,
 * or {@link Values#EMPTY}. Not thread-safe.
 */
final class Oracle {

  /** One write step: its {@linkplain Op#changes() changes} and whether it may be absent. */
  record Step(Op op, Map<String, Integer> changes, boolean maybe) {}

  /** Failed steps double the candidate states; past this many the oracle gives up, loudly. */
  private static final int MAX_STATES = 1 << 16;

  private final Map<String, Integer> initial;
  private final List<Step> steps = new ArrayList<>();
  private int durable;
  private final Map<String, Integer> checkpoints = new TreeMap<>();

  Oracle() {
    this(Map.of());
  }

  /** An oracle whose history starts from a known state. */
  Oracle(Map<String, Integer> initial) {
    this.initial = Map.copyOf(initial);
  }

  /** Records that {@code op} was acknowledged. */
  void acked(Op op) {
    record(op, false);
  }

  /** Records that {@code op} failed: it may or may not have happened. */
  void failed(Op op) {
    record(op, true);
  }

  private void record(Op op, boolean maybe) {
    Durability d;
    switch (op) {
      case Op.Put p -> d = p.durability();
      case Op.Delete x -> d = x.durability();
      case Op.Batch b -> d = b.durability();
      case Op.Flush f -> {
        if (!maybe) {
          durable = steps.size();
        }
        return;
      }
      case Op.Checkpoint c -> {
        if (!maybe) {
          checkpoints.put(c.directoryName(), steps.size());
        }
        return;
      }
      case Op.Reopen r -> {
        return;
      }
      case Op.Get g -> {
        return;
      }
    }
    steps.add(new Step(op, op.changes(), maybe));
    if (!maybe && d == Durability.SYNC) {
      durable = steps.size();
    }
  }

  /** Acknowledged checkpoints: directory name to the number of steps before it. */
  Map<String, Integer> checkpoints() {
    return checkpoints;
  }

  /** Number of write steps recorded. */
  int size() {
    return steps.size();
  }

  /** True when no recorded step failed: the current state is known exactly. */
  boolean exact() {
    return steps.stream().noneMatch(Step::maybe);
  }

  /** The state after every step (failed steps applied): exact when {@link #exact()}. */
  Map<String, Integer> current() {
    Map<String, Integer> s = new TreeMap<>(initial);
    steps.forEach(st -> apply(s, st));
    return s;
  }

  private static void apply(Map<String, Integer> state, Step st) {
    st.changes.forEach(
        (k, v) -> {
          if (v == Op.DELETED) {
            state.remove(k);
          } else {
            state.put(k, v);
          }
        });
  }

  /**
   * Checks a store's content after a crash.
   *
   * @param actual the content read back, key name to step
   * @param processCrash whether the crash kept the operating system's cache (then every
   *     acknowledged step must be there, not only the durable ones)
   * @return null when it passes, else what is wrong
   */
  String verify(Map<String, Integer> actual, boolean processCrash) {
    int lower = processCrash ? lastAcked() : durable;
    return verifyBetween(actual, lower, steps.size());
  }

  /** Checks a checkpoint's content: exactly the state after the first {@code steps} steps. */
  String verifyCheckpoint(Map<String, Integer> actual, int stepCount) {
    return verifyBetween(actual, stepCount, stepCount);
  }

  private int lastAcked() {
    for (int i = steps.size(); i > 0; i--) {
      if (!steps.get(i - 1).maybe) {
        return i;
      }
    }
    return 0;
  }

  private String verifyBetween(Map<String, Integer> actual, int lower, int upper) {
    Set<Map<String, Integer>> states = new LinkedHashSet<>();
    states.add(new HashMap<>(initial));
    if (lower == 0 && actual.equals(initial)) {
      return null;
    }
    for (int p = 1; p <= upper; p++) {
      Step st = steps.get(p - 1);
      Set<Map<String, Integer>> next = new LinkedHashSet<>();
      for (Map<String, Integer> s : states) {
        if (st.maybe) {
          next.add(s);
        }
        Map<String, Integer> applied = new HashMap<>(s);
        apply(applied, st);
        next.add(applied);
      }
      if (next.size() > MAX_STATES) {
        return "the oracle cannot check this run: more than "
            + MAX_STATES
            + " candidate states from failed steps. History: "
            + history();
      }
      states = next;
      if (p >= lower && states.contains(actual)) {
        return null;
      }
    }
    return explain(actual, lower, upper);
  }

  private String explain(Map<String, Integer> actual, int lower, int upper) {
    Map<String, Integer> s = new TreeMap<>(initial);
    String best = null;
    int bestDiff = Integer.MAX_VALUE;
    int bestP = 0;
    for (int p = 0; p <= upper; p++) {
      if (p > 0) {
        apply(s, steps.get(p - 1));
      }
      if (p < lower) {
        continue;
      }
      List<String> diff = new ArrayList<>();
      Set<String> keys = new java.util.TreeSet<>(s.keySet());
      keys.addAll(actual.keySet());
      for (String k : keys) {
        Integer want = s.get(k);
        Integer got = actual.get(k);
        if (!java.util.Objects.equals(want, got)) {
          diff.add(k + ": expected " + Values.describe(want) + ", found " + Values.describe(got));
        }
      }
      if (diff.size() < bestDiff) {
        bestDiff = diff.size();
        best = String.join("; ", diff);
        bestP = p;
      }
    }
    return "the store holds "
        + new TreeMap<>(actual)
        + " (key=step; "
        + Values.EMPTY
        + " is an empty value), which is no state after a prefix of "
        + lower
        + " to "
        + upper
        + " of the "
        + steps.size()
        + " write steps"
        + (lower > 0 ? " (the first " + lower + " were acknowledged durable)" : "")
        + ". Closest, after "
        + bestP
        + " steps: "
        + best
        + ". History: "
        + history();
  }

  /** The write steps, for messages. */
  String history() {
    StringBuilder sb = new StringBuilder();
    for (Step st : steps) {
      sb.append(st.op).append(st.maybe ? " (failed)" : "").append("; ");
    }
    return sb.toString();
  }
}
