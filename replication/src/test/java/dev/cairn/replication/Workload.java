package dev.cairn.replication;

import dev.cairn.conformance.linearizability.Call;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clients of the Jepsen-style tests: each does linearizable reads, plain and conditional writes
 * and deletes on a few keys, and records every call in a history for the suite's linearizability
 * checker.
 *
 * <p>A call that fails without knowing its outcome is recorded as if it might take effect at any
 * time after it began (Jepsen's "info" operations): an unconditional write as itself, never
 * returning, and a conditional one as the unconditional write it would be if it applied, which can
 * only make the check more permissive, never fail a correct history. A failed read is left out.
 */
final class Workload {

  static final int CLIENTS = 4;
  static final int KEYS = 3;

  private Workload() {}

  /**
   * One client of the workload, until {@code done}: reads, plain and conditional writes and deletes
   * of {@link #KEYS} keys, each recorded in {@code history}, through its own connection to the
   * cluster {@code id} whose nodes are {@code peers}. Its choices follow {@code seed} and its
   * number.
   */
  static void runClient(
      UUID id, List<Peer> peers, int client, long seed, AtomicBoolean done, List<Call> history) {
    Random r = new Random(seed * 31 + client);
    int[] lastSeen = new int[KEYS];
    java.util.Arrays.fill(lastSeen, Call.ABSENT);
    try (ReplicatedStore store = ReplicatedStore.connect(id, peers, Duration.ofSeconds(10))) {
      for (int i = 0; !done.get(); i++) {
        int k = r.nextInt(KEYS);
        int value = client * 1_000_000 + i;
        int roll = r.nextInt(10);
        long start = System.nanoTime();
        try {
          if (roll < 4) {
            int v = decode(store.get(key(k)));
            lastSeen[k] = v;
            history.add(new Call(client, Call.Kind.GET, k, v, start, System.nanoTime()));
          } else if (roll < 6) {
            store.put(key(k), encode(value));
            history.add(new Call(client, Call.Kind.PUT, k, value, start, System.nanoTime()));
          } else if (roll < 7) {
            store.delete(key(k));
            history.add(
                new Call(client, Call.Kind.DELETE, k, Call.ABSENT, start, System.nanoTime()));
          } else if (roll < 9) {
            int expected = lastSeen[k];
            boolean applied =
                expected == Call.ABSENT
                    ? store.putIfAbsent(key(k), encode(value))
                    : store.replace(key(k), encode(expected), encode(value));
            history.add(
                Call.conditional(
                    client, k, expected, value, false, applied, start, System.nanoTime()));
          } else {
            int expected = lastSeen[k];
            if (expected == Call.ABSENT) {
              continue;
            }
            boolean applied = store.deleteIfEquals(key(k), encode(expected));
            history.add(
                Call.conditional(
                    client, k, expected, Call.ABSENT, true, applied, start, System.nanoTime()));
          }
        } catch (ReplicationException e) {
          if (!e.outcomeUnknown()) {
            continue;
          }
          // It may take effect at any time from now on: never returns.
          boolean delete = roll == 6 || roll == 9;
          history.add(
              new Call(
                  client,
                  delete ? Call.Kind.DELETE : Call.Kind.PUT,
                  k,
                  delete ? Call.ABSENT : value,
                  start,
                  Long.MAX_VALUE));
        }
      }
    }
  }

  static byte[] key(int k) {
    return ("key" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static byte[] encode(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  static int decode(byte[] v) {
    return v == null ? Call.ABSENT : ByteBuffer.wrap(v).getInt();
  }
}
