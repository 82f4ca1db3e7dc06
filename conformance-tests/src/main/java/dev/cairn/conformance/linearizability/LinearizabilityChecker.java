package dev.cairn.conformance.linearizability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Decides whether a recorded history of gets, puts and deletes, and of the conditional putIfAbsent,
 * replace and deleteIfEquals, is linearizable for a store that behaves as one register per key,
 * initially absent.
 *
 * <p>Linearizability is local (Herlihy and Wing), so the history is split by key and each key is
 * checked alone. Each check is the Wing and Gong search with Lowe's memoisation, as Porcupine does
 * it (anishathalye/porcupine, {@code checker.go}): walk the calls in time order, try to linearize a
 * pending call whose invocation precedes every return not yet linearized, and backtrack on a dead
 * end; a set of (linearized calls, register value) pairs already explored prunes the search. The
 * search is exponential at worst; keep histories per key to a few hundred calls of a handful of
 * threads. Stateless and thread-safe.
 *
 * <p>NB: the set holds a 128-bit Zobrist hash of the linearized calls (each call two random 64-bit
 * words, XORed in and out as the search moves), not the calls themselves: a copy of the set of
 * linearized calls per explored pair took memory quadratic in a key's history (a 100-stop nemesis
 * run, about 100,000 calls a key, filled a 1 GB heap with them). A collision could only prune a
 * branch wrongly, so report a linearizable history as not linearizable, never the reverse; at 128
 * bits its odds are below 2^-90 for a million explored pairs. The words come from a fixed seed, so
 * a check is deterministic.
 */
public final class LinearizabilityChecker {

  private LinearizabilityChecker() {}

  /**
   * Checks {@code history}.
   *
   * @return empty when linearizable, otherwise a description of the key whose history is not, with
   *     its calls in invocation order
   */
  public static Optional<String> check(List<Call> history) {
    Map<Integer, List<Call>> byKey = new TreeMap<>();
    for (Call c : history) {
      byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
    }
    for (Map.Entry<Integer, List<Call>> e : byKey.entrySet()) {
      if (!checkKey(e.getValue())) {
        List<Call> calls = new ArrayList<>(e.getValue());
        calls.sort(Comparator.comparingLong(Call::invokedNanos));
        StringBuilder sb =
            new StringBuilder("history of key k" + e.getKey() + " is not linearizable:");
        long origin = calls.getFirst().invokedNanos();
        for (Call c : calls) {
          sb.append("\n  ").append(c.relativeTo(origin));
        }
        return Optional.of(sb.toString());
      }
    }
    return Optional.empty();
  }

  /** A call or return event in the doubly linked list the search lifts entries out of. */
  private static final class Node {
    final int id;
    final boolean isCall;
    final long time;
    final Call call;
    Node match;
    Node prev;
    Node next;

    Node(int id, boolean isCall, long time, Call call) {
      this.id = id;
      this.isCall = isCall;
      this.time = time;
      this.call = call;
    }
  }

  /** A (linearized calls, register value) pair, the calls as their Zobrist hash. */
  private record Explored(long hashHigh, long hashLow, int state) {}

  private record Frame(Node node, int state) {}

  private static boolean checkKey(List<Call> calls) {
    List<Node> events = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      Call c = calls.get(i);
      Node call = new Node(i, true, c.invokedNanos(), c);
      Node ret = new Node(i, false, c.returnedNanos(), c);
      call.match = ret;
      events.add(call);
      events.add(ret);
    }
    // NB: at equal times calls sort before returns, which treats touching calls as concurrent:
    // the permissive reading, as the clock cannot order them.
    events.sort(Comparator.comparingLong((Node n) -> n.time).thenComparing(n -> n.isCall ? 0 : 1));
    Node head = new Node(-1, false, Long.MIN_VALUE, null);
    Node prev = head;
    for (Node n : events) {
      prev.next = n;
      n.prev = prev;
      prev = n;
    }
    int state = Call.ABSENT;
    long[] zobristHigh = new long[calls.size()];
    long[] zobristLow = new long[calls.size()];
    SplittableRandom random = new SplittableRandom(ZOBRIST_SEED);
    for (int i = 0; i < calls.size(); i++) {
      zobristHigh[i] = random.nextLong();
      zobristLow[i] = random.nextLong();
    }
    long high = 0;
    long low = 0;
    Set<Explored> explored = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    Node entry = head.next;
    while (head.next != null) {
      if (entry.isCall) {
        int next = step(state, entry.call);
        boolean ok = next != INVALID;
        if (ok) {
          long nextHigh = high ^ zobristHigh[entry.id];
          long nextLow = low ^ zobristLow[entry.id];
          if (explored.add(new Explored(nextHigh, nextLow, next))) {
            stack.push(new Frame(entry, state));
            state = next;
            high = nextHigh;
            low = nextLow;
            lift(entry);
            entry = head.next;
            continue;
          }
        }
        entry = entry.next;
      } else {
        if (stack.isEmpty()) {
          return false;
        }
        Frame top = stack.pop();
        state = top.state;
        high ^= zobristHigh[top.node.id];
        low ^= zobristLow[top.node.id];
        unlift(top.node);
        entry = top.node.next;
      }
    }
    return true;
  }

  private static final int INVALID = Integer.MIN_VALUE;

  /** The seed of the calls' Zobrist words: any fixed value. */
  private static final long ZOBRIST_SEED = 0x5DEECE66DL;

  /**
   * The register model: the state after {@code c}, or {@link #INVALID} if {@code c} cannot occur.
   */
  private static int step(int state, Call c) {
    return switch (c.kind()) {
      case PUT -> c.value();
      case DELETE -> Call.ABSENT;
      case GET -> c.value() == state ? state : INVALID;
      case PUT_IF_ABSENT -> conditional(state == Call.ABSENT, c.value(), state, c);
      case REPLACE ->
          conditional(state != Call.ABSENT && state == c.expected(), c.value(), state, c);
      case DELETE_IF_EQUALS ->
          conditional(state != Call.ABSENT && state == c.expected(), Call.ABSENT, state, c);
    };
  }

  /**
   * A conditional call whose condition is {@code holds} in {@code state}: it applied (and leaves
   * {@code written}) exactly when the condition held, else it could not have happened here.
   */
  private static int conditional(boolean holds, int written, int state, Call c) {
    if (holds != c.applied()) {
      return INVALID;
    }
    return holds ? written : state;
  }

  private static void lift(Node call) {
    call.prev.next = call.next;
    call.next.prev = call.prev;
    Node ret = call.match;
    ret.prev.next = ret.next;
    if (ret.next != null) {
      ret.next.prev = ret.prev;
    }
  }

  private static void unlift(Node call) {
    Node ret = call.match;
    ret.prev.next = ret;
    if (ret.next != null) {
      ret.next.prev = ret;
    }
    call.prev.next = call;
    call.next.prev = call;
  }
}
