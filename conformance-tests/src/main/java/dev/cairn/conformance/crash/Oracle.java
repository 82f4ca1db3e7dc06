package dev.cairn.conformance.crash;

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
 * <p>The oracle keeps the history of write steps in order, each acknowledged, failed (a failed
 * write may or may not have happened) or in conflict (a conditional batch refused with {@code
 * ConflictException}: it did not happen), and how many steps must survive: under a power cut, every
 * step up to the last acknowledged {@code SYNC} write, keyspace creation or drop, or successful
 * flush; under a process crash, every acknowledged step. A store passes when its content equals the
 * state after some prefix of the history at least that long, where each failed step in the prefix
 * is either applied or not: no holes, no reordering, no resurrected deletes, batches whole or
 * absent, keyspaces dropped whole or not at all.
 *
 * <p>States map a key's name to its {@linkplain Values#state state}, and a keyspace's marker to
 * {@link Values#KEYSPACE} (see {@link Op}). Whether a step can happen depends on the state ({@link
 * Op#possibleIn}): a candidate state in which an acknowledged step could not have succeeded (its
 * keyspace missing, its precondition failing), or a conflicting one could have, is not the store's
 * history and is dropped; a failed step that could not have succeeded leaves the state as it was.
 * Not thread-safe.
 */
final class Oracle {

  /** How a step ended. */
  enum Outcome {
    /** Acknowledged: it happened. */
    ACKED,
    /** Failed with a storage exception: it may or may not have happened. */
    FAILED,
    /** A conditional batch refused with {@code ConflictException}: it did not happen. */
    CONFLICT
  }

  /** One write step and how it ended. */
  record Step(Op op, Outcome outcome) {
    boolean maybe() {
      return outcome == Outcome.FAILED;
    }
  }

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
    record(op, Outcome.ACKED);
  }

  /** Records that {@code op} failed: it may or may not have happened. */
  void failed(Op op) {
    record(op, Outcome.FAILED);
  }

  /** Records that the conditional batch {@code op} was refused for a failed precondition. */
  void conflicted(Op op) {
    record(op, Outcome.CONFLICT);
  }

  private void record(Op op, Outcome outcome) {
    switch (op) {
      case Op.Flush f -> {
        if (outcome == Outcome.ACKED) {
          durable = steps.size();
        }
        return;
      }
      case Op.Checkpoint c -> {
        if (outcome == Outcome.ACKED) {
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
      default -> {
        // a write step
      }
    }
    steps.add(new Step(op, outcome));
    if (outcome == Outcome.ACKED && op.durableWhenAcknowledged()) {
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

  /**
   * The state after every step (acknowledged steps applied, conflicting ones not, failed ones
   * applied where possible): exact when {@link #exact()}.
   */
  Map<String, Integer> current() {
    Map<String, Integer> s = new TreeMap<>(initial);
    steps.forEach(st -> applyLoosely(s, st));
    return s;
  }

  /** One step applied to one state, for {@link #current()} and messages: no state is dropped. */
  private static void applyLoosely(Map<String, Integer> state, Step st) {
    if (st.outcome == Outcome.ACKED || (st.outcome == Outcome.FAILED && st.op.possibleIn(state))) {
      st.op.applyTo(state);
    }
  }

  /** The states {@code st} may leave {@code s} in: none if it contradicts the step's outcome. */
  private static void successors(Map<String, Integer> s, Step st, Set<Map<String, Integer>> out) {
    boolean possible = st.op.possibleIn(s);
    if (st.outcome != Outcome.ACKED && !(st.outcome == Outcome.CONFLICT && possible)) {
      out.add(s);
    }
    if (st.outcome != Outcome.CONFLICT && possible) {
      Map<String, Integer> applied = new HashMap<>(s);
      st.op.applyTo(applied);
      out.add(applied);
    }
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
      if (!steps.get(i - 1).maybe()) {
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
        successors(s, st, next);
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
        applyLoosely(s, steps.get(p - 1));
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
      sb.append(st.op)
          .append(
              switch (st.outcome) {
                case ACKED -> "";
                case FAILED -> " (failed)";
                case CONFLICT -> " (conflict)";
              })
          .append("; ");
    }
    return sb.toString();
  }
}
