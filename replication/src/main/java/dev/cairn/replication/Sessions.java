package dev.cairn.replication;

import dev.cairn.spi.CorruptionException;
import dev.cairn.spi.StorageEngine;
import dev.cairn.spi.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The session table: the outcome of each recent client call the log applied, kept in the store
 * under reserved keys, so that a call that reaches the log twice (a client's retry that the
 * leader's in-memory retry cache did not know, because the leader restarted from a snapshot) is
 * applied once and answered with its first outcome (Raft dissertation, section 6.3).
 *
 * <p>Each applied call gets the next number of a sequence counted by the store; its record is
 * written, and the record {@link #RETAINED} calls older is dropped, in the same atomic batch as the
 * entry's data and the applied index, so every node holds the same records (they are a function of
 * the log's prefix) and checkpoints, hence snapshots, carry them. The layout is in {@code
 * docs/formats/replication-entry.md} (session records, version 1):
 *
 * <pre>
 * FF "cairn.replication.session-next"                  -> | version (1B) = 1 | next number (8B) |
 * FF "cairn.replication.session." client id | call id (8B) -> | version (1B) = 1 | number (8B) | reply |
 * FF "cairn.replication.session-order." number (8B)     -> | client id | call id (8B) |
 * </pre>
 *
 * <p>Not thread-safe: used on the apply thread only.
 */
final class Sessions {

  /**
   * How many applied calls keep their record. A retry comes within its client's timeout (30 s by
   * default; {@link DeadlineRetry}), so this covers any retry unless the cluster applies more than
   * this many writes within one client timeout (docs/replication.md).
   */
  static final long RETAINED = 100_000;

  static final byte VERSION_1 = 1;

  static final byte[] NEXT_KEY = reserved("session-next");
  private static final byte[] RECORD_PREFIX = reserved("session.");
  private static final byte[] ORDER_PREFIX = reserved("session-order.");

  /** The longest client id recorded; Ratis's are 16 bytes. */
  static final int MAX_CLIENT_ID = 64;

  private final long retained;
  private long next;

  /** A call: the id of the client that made it, and the call's id at that client. */
  record Call(byte[] clientId, long callId) {
    @Override
    public String toString() {
      return java.util.HexFormat.of().formatHex(clientId) + "#" + callId;
    }
  }

  Sessions(long retained) {
    if (retained < 1) {
      throw new IllegalArgumentException("retained must be positive: " + retained);
    }
    this.retained = retained;
  }

  /** Reads the sequence from {@code store} (just opened or replaced); 0 for one without any. */
  void load(StorageEngine store) {
    byte[] v = store.get(NEXT_KEY);
    if (v == null) {
      next = 0;
      return;
    }
    if (v.length != 9 || v[0] != VERSION_1) {
      throw new CorruptionException(
          "the store's replication session counter is not a version-"
              + VERSION_1
              + " value of 9 bytes ("
              + v.length
              + " bytes)");
    }
    next = ByteBuffer.wrap(v, 1, 8).getLong();
  }

  /** Whether {@code call} can be recorded: one without a client id (or a strange one) is not. */
  static boolean recordable(Call call) {
    return call != null && call.clientId().length > 0 && call.clientId().length <= MAX_CLIENT_ID;
  }

  /** The reply recorded for {@code call}, null when none is (never applied, or dropped). */
  static byte[] recordedReply(StorageEngine store, Call call) {
    if (!recordable(call)) {
      return null;
    }
    byte[] v = store.get(recordKey(call));
    if (v == null) {
      return null;
    }
    if (v.length < 9 || v[0] != VERSION_1) {
      throw new CorruptionException(
          "the store's replication session record is not of version " + VERSION_1);
    }
    return Arrays.copyOfRange(v, 9, v.length);
  }

  /**
   * Adds to {@code batch} the record of {@code call} answered {@code reply}, and drops the record
   * that falls out of retention. Call {@link #advance} once the batch is written.
   */
  void record(StorageEngine store, Call call, byte[] reply, WriteBatch batch) {
    long number = next;
    batch.put(
        recordKey(call),
        ByteBuffer.allocate(9 + reply.length).put(VERSION_1).putLong(number).put(reply).array());
    batch.put(orderKey(number), callBytes(call));
    batch.put(NEXT_KEY, ByteBuffer.allocate(9).put(VERSION_1).putLong(number + 1).array());
    long dropped = number - retained;
    if (dropped >= 0) {
      byte[] old = store.get(orderKey(dropped));
      if (old != null) {
        batch.delete(orderKey(dropped));
        batch.delete(concat(RECORD_PREFIX, old));
      }
    }
  }

  /** After the batch {@link #record} filled was written. */
  void advance() {
    next++;
  }

  long next() {
    return next;
  }

  private static byte[] callBytes(Call call) {
    return ByteBuffer.allocate(call.clientId().length + 8)
        .put(call.clientId())
        .putLong(call.callId())
        .array();
  }

  private static byte[] recordKey(Call call) {
    return concat(RECORD_PREFIX, callBytes(call));
  }

  private static byte[] orderKey(long number) {
    return concat(ORDER_PREFIX, ByteBuffer.allocate(8).putLong(number).array());
  }

  private static byte[] reserved(String name) {
    return concat(AppliedIndex.RESERVED_PREFIX, name.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
